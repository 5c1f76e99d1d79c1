using System.Globalization;
using System.Text;

namespace ImageGate.Reporting.Formatting;

/// <summary>Small text helpers shared by the reporters.</summary>
internal static class Text
{
    /// <summary>Cuts <paramref name="value"/> to at most <paramref name="max"/> characters, ending with an ellipsis, never splitting a surrogate pair.</summary>
    public static string Truncate(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }
        if (max <= 1)
        {
            return max <= 0 ? "" : "…";
        }
        var cut = max - 1;
        if (char.IsHighSurrogate(value[cut - 1]))
        {
            cut--;
        }
        return value[..cut] + "…";
    }

    /// <summary>One line of printable text: line breaks become spaces, other control characters become <c>\uXXXX</c>.</summary>
    public static string SingleLine(string value)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            string? replacement = c switch
            {
                '\r' when i + 1 < value.Length && value[i + 1] == '\n' => "",
                '\r' or '\n' or '\t' or '\u2028' or '\u2029' => " ",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => null,
            };
            if (replacement is null)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(value, 0, i, value.Length + 8);
            sb.Append(replacement);
        }
        return sb?.ToString() ?? value;
    }

    /// <summary>Keeps CR, LF and tab, and writes every other control character (ANSI escapes included) as <c>\uXXXX</c>.</summary>
    public static string VisibleControls(string value)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (!char.IsControl(c) || c is '\r' or '\n' or '\t')
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(value, 0, i, value.Length + 8);
            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return sb?.ToString() ?? value;
    }

    /// <summary>Replaces unpaired surrogates with U+FFFD so the text can be encoded as UTF-8.</summary>
    public static string ValidUtf16(string value)
    {
        char[]? chars = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                chars ??= value.ToCharArray();
                chars[i] = '\uFFFD';
            }
        }
        return chars is null ? value : new string(chars);
    }

    /// <summary>The image repository without tag or digest (<c>ghcr.io/a/b:1@sha256:..</c> → <c>ghcr.io/a/b</c>).</summary>
    public static string ImageRepository(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? reference[..at] : reference;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }

    /// <summary>Lower-case name of an outcome as reports write it.</summary>
    public static string Name(Outcome outcome) => outcome switch
    {
        Outcome.Pass => "pass",
        Outcome.Fail => "fail",
        Outcome.Error => "error",
        Outcome.Skip => "skip",
        _ => "warn",
    };

    /// <summary>Canonical spelling of an action.</summary>
    public static string Name(ValidationAction action) => action.ToString();

    /// <summary>Invariant decimal text of an integer.</summary>
    public static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
