using System.Text;

namespace ImageGate.Policies.Matching;

/// <summary>A glob over raw image strings with the semantics Kyverno uses for
/// <c>matchImageReferences[].glob</c>: no separators, so <c>*</c> and <c>**</c> cross <c>/</c> and
/// <c>:</c>; <c>?</c> is one character; <c>[abc]</c>, <c>[!a]</c> and <c>[a-z]</c> are classes;
/// <c>{a,b}</c> is alternation; <c>\</c> escapes.</summary>
public sealed class ImageGlob
{
    private const int MaxPatternLength = 4096;
    private readonly Node[] nodes;

    private ImageGlob(string pattern, Node[] nodes)
    {
        Pattern = pattern;
        this.nodes = nodes;
    }

    /// <summary>The pattern as written in the policy.</summary>
    public string Pattern { get; }

    /// <summary>Compiles a glob; throws <see cref="FormatException"/> with the position of the fault.</summary>
    public static ImageGlob Compile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length > MaxPatternLength)
        {
            throw new FormatException($"glob is longer than {MaxPatternLength} characters");
        }
        var pos = 0;
        var nodes = ParseSequence(pattern, ref pos, inAlternation: false);
        if (pos != pattern.Length)
        {
            throw new FormatException($"unexpected '{pattern[pos]}' at position {pos + 1} in glob '{pattern}'");
        }
        return new ImageGlob(pattern, nodes.ToArray());
    }

    /// <summary>True when the whole input matches the glob.</summary>
    public bool IsMatch(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Set-of-positions simulation: linear in input length times pattern size, no backtracking.
        var current = new HashSet<int> { 0 };
        current = Advance(nodes, current, input);
        return current.Contains(input.Length);
    }

    private static HashSet<int> Advance(Node[] sequence, HashSet<int> starts, string input)
    {
        var positions = starts;
        foreach (var node in sequence)
        {
            if (positions.Count == 0)
            {
                return positions;
            }
            positions = node.Step(positions, input);
        }
        return positions;
    }

    private static List<Node> ParseSequence(string p, ref int pos, bool inAlternation)
    {
        var list = new List<Node>();
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length > 0)
            {
                list.Add(new LiteralNode(literal.ToString()));
                literal.Clear();
            }
        }
        while (pos < p.Length)
        {
            var c = p[pos];
            if (inAlternation && (c == ',' || c == '}'))
            {
                break;
            }
            switch (c)
            {
                case '\\':
                    if (pos + 1 >= p.Length)
                    {
                        throw new FormatException($"dangling escape at position {pos + 1} in glob '{p}'");
                    }
                    literal.Append(p[pos + 1]);
                    pos += 2;
                    break;
                case '*':
                    Flush();
                    while (pos < p.Length && p[pos] == '*')
                    {
                        pos++;
                    }
                    list.Add(new StarNode());
                    break;
                case '?':
                    Flush();
                    list.Add(new AnyNode());
                    pos++;
                    break;
                case '[':
                    Flush();
                    list.Add(ParseClass(p, ref pos));
                    break;
                case '{':
                    Flush();
                    list.Add(ParseAlternation(p, ref pos));
                    break;
                default:
                    literal.Append(c);
                    pos++;
                    break;
            }
        }
        Flush();
        return list;
    }

    private static Node ParseAlternation(string p, ref int pos)
    {
        var start = pos;
        pos++; // '{'
        var branches = new List<Node[]>();
        while (true)
        {
            branches.Add(ParseSequence(p, ref pos, inAlternation: true).ToArray());
            if (pos >= p.Length)
            {
                throw new FormatException($"unclosed '{{' at position {start + 1} in glob '{p}'");
            }
            if (p[pos] == '}')
            {
                pos++;
                return new AlternationNode(branches);
            }
            pos++; // ','
        }
    }

    private static Node ParseClass(string p, ref int pos)
    {
        var start = pos;
        pos++; // '['
        var negate = pos < p.Length && p[pos] == '!';
        if (negate)
        {
            pos++;
        }
        var ranges = new List<(char Lo, char Hi)>();
        while (pos < p.Length && p[pos] != ']')
        {
            var lo = p[pos] == '\\' && pos + 1 < p.Length ? p[++pos] : p[pos];
            pos++;
            var hi = lo;
            if (pos + 1 < p.Length && p[pos] == '-' && p[pos + 1] != ']')
            {
                hi = p[pos + 1] == '\\' && pos + 2 < p.Length ? p[pos + 2] : p[pos + 1];
                pos += p[pos + 1] == '\\' ? 3 : 2;
                if (hi < lo)
                {
                    throw new FormatException($"invalid range {lo}-{hi} at position {start + 1} in glob '{p}'");
                }
            }
            ranges.Add((lo, hi));
        }
        if (pos >= p.Length)
        {
            throw new FormatException($"unclosed '[' at position {start + 1} in glob '{p}'");
        }
        pos++; // ']'
        if (ranges.Count == 0)
        {
            throw new FormatException($"empty character class at position {start + 1} in glob '{p}'");
        }
        return new ClassNode(ranges.ToArray(), negate);
    }

    private abstract class Node
    {
        public abstract HashSet<int> Step(HashSet<int> positions, string input);
    }

    private sealed class LiteralNode(string text) : Node
    {
        public override HashSet<int> Step(HashSet<int> positions, string input)
        {
            var next = new HashSet<int>();
            foreach (var at in positions)
            {
                if (at + text.Length <= input.Length && string.CompareOrdinal(input, at, text, 0, text.Length) == 0)
                {
                    next.Add(at + text.Length);
                }
            }
            return next;
        }
    }

    private sealed class StarNode : Node
    {
        public override HashSet<int> Step(HashSet<int> positions, string input)
        {
            // Any suffix start from the smallest position on is reachable.
            var min = positions.Min();
            var next = new HashSet<int>();
            for (var i = min; i <= input.Length; i++)
            {
                next.Add(i);
            }
            return next;
        }
    }

    private sealed class AnyNode : Node
    {
        public override HashSet<int> Step(HashSet<int> positions, string input)
        {
            var next = new HashSet<int>();
            foreach (var at in positions)
            {
                if (at < input.Length)
                {
                    next.Add(at + 1);
                }
            }
            return next;
        }
    }

    private sealed class ClassNode((char Lo, char Hi)[] ranges, bool negate) : Node
    {
        public override HashSet<int> Step(HashSet<int> positions, string input)
        {
            var next = new HashSet<int>();
            foreach (var at in positions)
            {
                if (at < input.Length && ranges.Any(r => input[at] >= r.Lo && input[at] <= r.Hi) != negate)
                {
                    next.Add(at + 1);
                }
            }
            return next;
        }
    }

    private sealed class AlternationNode(List<Node[]> branches) : Node
    {
        public override HashSet<int> Step(HashSet<int> positions, string input)
        {
            var next = new HashSet<int>();
            foreach (var branch in branches)
            {
                next.UnionWith(Advance(branch, new HashSet<int>(positions), input));
            }
            return next;
        }
    }
}
