using System.Text;

namespace ImageGate.Cel.Regex;

/// <summary>
/// Writes a parsed RE2 pattern as an equivalent .NET pattern for the non-backtracking engine. Every
/// character class is spelled out as explicit code point ranges (ASCII \d \s \w, RE2 case folding,
/// surrogate pairs for astral code points), so no .NET-specific class semantics leak in.
/// The pattern must be compiled with <c>RegexOptions.Multiline</c>: RE2's line anchors become ^ and $,
/// its text anchors \A and \z.
/// </summary>
internal static class Re2Translator
{
    public static string Translate(Re2Node node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();
    }

    private static void Write(Re2Node node, StringBuilder sb)
    {
        switch (node)
        {
            case CharSetNode set:
                set.Set.AppendDotNetPattern(sb);
                break;
            case EmptyNode:
                sb.Append("(?:)");
                break;
            case AssertionNode assertion:
                sb.Append(assertion.Kind switch
                {
                    AssertionKind.BeginText => @"\A",
                    AssertionKind.EndText => @"\z",
                    AssertionKind.BeginLine => "^",
                    AssertionKind.EndLine => "$",
                    AssertionKind.WordBoundary => @"\b",
                    _ => @"\B",
                });
                break;
            case ConcatNode concat:
                foreach (var item in concat.Items)
                {
                    Write(item, sb);
                }
                break;
            case AlternationNode alternation:
                sb.Append("(?:");
                for (int i = 0; i < alternation.Alternatives.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append('|');
                    }
                    Write(alternation.Alternatives[i], sb);
                }
                sb.Append(')');
                break;
            case GroupNode group:
                // Captures are emitted unnamed so .NET numbers them in RE2's order (it numbers named groups last).
                sb.Append(group.CaptureIndex > 0 ? "(" : "(?:");
                Write(group.Body, sb);
                sb.Append(')');
                break;
            case RepeatNode repeat:
                sb.Append("(?:");
                Write(repeat.Body, sb);
                sb.Append(')');
                sb.Append((repeat.Min, repeat.Max) switch
                {
                    (0, -1) => "*",
                    (1, -1) => "+",
                    (0, 1) => "?",
                    (var min, -1) => "{" + min + ",}",
                    var (min, max) when min == max => "{" + min + "}",
                    var (min, max) => "{" + min + "," + max + "}",
                });
                if (!repeat.Greedy)
                {
                    sb.Append('?');
                }
                break;
            default:
                throw new InvalidOperationException($"unknown node {node.GetType().Name}");
        }
    }
}
