using System.Text;

namespace ImageGate.Reporting.Formatting;

/// <summary>Escaping for GitHub-flavoured Markdown, including table cells; text from manifests is never trusted.</summary>
public static class Markdown
{
    /// <summary>Plain text safe inside a paragraph or a table cell: one line, Markdown and HTML syntax neutralised, no @mentions.</summary>
    public static string EscapeText(string value)
    {
        var line = Text.SingleLine(Text.ValidUtf16(value));
        var sb = new StringBuilder(line.Length + 16);
        foreach (var c in line)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '@': sb.Append("@\u2060"); break; // word joiner stops @mentions
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '~' or '#' or '!' or '$':
                    sb.Append('\\').Append(c);
                    break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A code span holding <paramref name="value"/> verbatim (one line), usable in a table cell.</summary>
    public static string Code(string value)
    {
        var line = Text.SingleLine(Text.ValidUtf16(value)).Replace("|", "\\|", StringComparison.Ordinal);
        var longestRun = 0;
        var run = 0;
        foreach (var c in line)
        {
            run = c == '`' ? run + 1 : 0;
            longestRun = Math.Max(longestRun, run);
        }
        var fence = new string('`', longestRun + 1);
        var pad = line.StartsWith('`') || line.EndsWith('`') || line.Length == 0 ? " " : "";
        return fence + pad + line + pad + fence;
    }

    /// <summary>A link whose label is a code span; the URL is percent-encoded where Markdown would break.</summary>
    public static string CodeLink(string label, string url) =>
        "[" + Code(label) + "](" + EscapeUrl(url) + ")";

    /// <summary>A URL safe as a Markdown link target: characters Markdown would read are percent-encoded.</summary>
    public static string Url(string url) => EscapeUrl(url);

    private static string EscapeUrl(string url)
    {
        var sb = new StringBuilder(url.Length);
        foreach (var b in Encoding.UTF8.GetBytes(Text.ValidUtf16(url)))
        {
            var c = (char)b;
            if (b > 0x20 && b < 0x7f && c is not ('(' or ')' or '<' or '>' or '"' or '\\' or '|' or '`' or ' ' or '[' or ']'))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
