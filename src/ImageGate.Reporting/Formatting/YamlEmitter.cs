using System.Globalization;
using System.Text;

namespace ImageGate.Reporting.Formatting;

/// <summary>An ordered YAML mapping for <see cref="YamlEmitter"/>.</summary>
internal sealed class YamlMap : List<KeyValuePair<string, object?>>
{
    /// <summary>Appends <paramref name="key"/>: <paramref name="value"/>.</summary>
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));
}

/// <summary>A minimal block-style YAML writer for reports: maps, lists, strings, numbers, booleans and null.
/// Strings are plain only when they cannot be read back as anything else; otherwise double-quoted with escapes.</summary>
internal static class YamlEmitter
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf",
    };

    /// <summary>Writes documents separated by <c>---</c>.</summary>
    public static void WriteDocuments(TextWriter writer, IEnumerable<YamlMap> documents)
    {
        var first = true;
        foreach (var document in documents)
        {
            if (!first)
            {
                writer.Write("---\n");
            }
            first = false;
            var sb = new StringBuilder();
            WriteMap(sb, document, 0, null);
            writer.Write(sb.ToString());
        }
    }

    /// <summary>One scalar as YAML text.</summary>
    public static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        string s => QuoteIfNeeded(s),
        _ => QuoteIfNeeded(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    private static void WriteMap(StringBuilder sb, YamlMap map, int indent, string? firstPrefix)
    {
        if (map.Count == 0)
        {
            sb.Append(firstPrefix ?? new string(' ', indent)).Append("{}\n");
            return;
        }
        for (var i = 0; i < map.Count; i++)
        {
            var (key, value) = map[i];
            sb.Append(i == 0 && firstPrefix is not null ? firstPrefix : new string(' ', indent));
            sb.Append(QuoteIfNeeded(key)).Append(':');
            WriteValue(sb, value, indent);
        }
    }

    private static void WriteValue(StringBuilder sb, object? value, int indent)
    {
        switch (value)
        {
            case YamlMap { Count: 0 }:
                sb.Append(" {}\n");
                break;
            case YamlMap map:
                sb.Append('\n');
                WriteMap(sb, map, indent + 2, null);
                break;
            case IList<object?> { Count: 0 }:
                sb.Append(" []\n");
                break;
            case IList<object?> list:
                sb.Append('\n');
                WriteList(sb, list, indent + 2);
                break;
            default:
                sb.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteList(StringBuilder sb, IList<object?> list, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var item in list)
        {
            switch (item)
            {
                case YamlMap { Count: > 0 } map:
                    WriteMap(sb, map, indent + 2, pad + "- ");
                    break;
                case IList<object?> { Count: > 0 } inner:
                    sb.Append(pad).Append("-\n");
                    WriteList(sb, inner, indent + 2);
                    break;
                case YamlMap:
                    sb.Append(pad).Append("- {}\n");
                    break;
                case IList<object?>:
                    sb.Append(pad).Append("- []\n");
                    break;
                default:
                    sb.Append(pad).Append("- ").Append(Scalar(item)).Append('\n');
                    break;
            }
        }
    }

    private static string QuoteIfNeeded(string value) => IsSafePlain(value) ? value : DoubleQuoted(value);

    // Plain only for identifiers and paths that start with a letter and are not YAML keywords.
    private static bool IsSafePlain(string value)
    {
        if (value.Length == 0 || value.Length > 200 || !char.IsAsciiLetter(value[0]) || Reserved.Contains(value))
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            {
                return false;
            }
        }
        return true;
    }

    private static string DoubleQuoted(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in Text.ValidUtf16(value))
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                case '\u0085': sb.Append("\\N"); break;
                case '\u2028': sb.Append("\\L"); break;
                case '\u2029': sb.Append("\\P"); break;
                case '\uFEFF': sb.Append("\\uFEFF"); break;
                case var control when char.IsControl(control):
                    sb.Append("\\x").Append(((int)control).ToString("X2", CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }
}
