using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using DotNetRegex = System.Text.RegularExpressions.Regex;

namespace ImageGate.Cel.Regex;

/// <summary>
/// A regular expression with RE2 syntax and semantics (as Go's regexp package implements them) that
/// matches in time linear in the input: the pattern is checked against RE2's grammar and run on .NET's
/// non-backtracking engine, or on a small Pike VM for the constructs .NET cannot express the RE2 way
/// (ASCII \b and \B, repetitions whose body can match empty). Instances are immutable and thread-safe.
/// </summary>
/// <remarks>Lone surrogates in the input never match any character class.</remarks>
public sealed class Re2Regex
{
    /// <summary>Longest input accepted by the matching methods, in UTF-16 code units.</summary>
    public const int MaxInputLength = 16 * 1024 * 1024;

    /// <summary>Most patterns kept by <see cref="GetOrCompile"/>.</summary>
    public const int CacheCapacity = 1024;

    /// <summary>Safety net on one matching call (RegexMatchTimeoutException); matching is linear, so only huge inputs come near it.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentDictionary<string, Re2Regex> Cache = new(StringComparer.Ordinal);

    private readonly DotNetRegex? _regex; // exactly one of _regex and _vm is set
    private readonly Re2PikeVm? _vm;
    private readonly IReadOnlyList<string?> _groupNames;

    private Re2Regex(string pattern, DotNetRegex? regex, Re2PikeVm? vm, IReadOnlyList<string?> groupNames)
    {
        Pattern = pattern;
        _regex = regex;
        _vm = vm;
        _groupNames = groupNames;
    }

    /// <summary>The RE2 pattern this regex was compiled from.</summary>
    public string Pattern { get; }

    /// <summary>The number of capturing groups (not counting the whole match).</summary>
    public int GroupCount => _groupNames.Count - 1;

    /// <summary>Group names by capture number; index 0 (the whole match) and unnamed groups are null.</summary>
    public IReadOnlyList<string?> GroupNames => _groupNames;

    /// <summary>The .NET pattern the RE2 pattern was translated to.</summary>
    internal string? DotNetPattern => _regex?.ToString();

    /// <summary>Compiles an RE2 pattern; throws <see cref="Re2SyntaxException"/> for anything RE2 rejects.</summary>
    public static Re2Regex Compile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var node = Re2Parser.Parse(pattern, out var groupNames);
        if (Re2PikeVm.IsNeededFor(node))
        {
            return new Re2Regex(pattern, null, new Re2PikeVm(node, groupNames.Count - 1, pattern), groupNames);
        }
        try
        {
            var regex = new DotNetRegex(
                Re2Translator.Translate(node),
                RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Multiline,
                MatchTimeout);
            return new Re2Regex(pattern, regex, null, groupNames);
        }
        catch (NotSupportedException)
        {
            // The non-backtracking engine refuses large counted repetitions of multi-unit bodies
            // (e.g. .{1000}); the VM handles them, or reports the expression as too large.
            return new Re2Regex(pattern, null, new Re2PikeVm(node, groupNames.Count - 1, pattern), groupNames);
        }
    }

    /// <summary>Compiles <paramref name="pattern"/> or returns the cached instance; the cache is bounded and thread-safe.</summary>
    public static Re2Regex GetOrCompile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (Cache.TryGetValue(pattern, out var cached))
        {
            return cached;
        }
        var compiled = Compile(pattern);
        if (Cache.Count >= CacheCapacity)
        {
            // Simple bound: start over rather than track usage; compiling again is cheap next to matching.
            Cache.Clear();
        }
        return Cache.GetOrAdd(pattern, compiled);
    }

    /// <summary>Whether the regex matches anywhere in <paramref name="input"/> (CEL <c>matches</c>).</summary>
    public bool IsMatch(string input) =>
        _regex?.IsMatch(Checked(input)) ?? _vm!.Exec(Checked(input), 0, groups: false) is not null;

    /// <summary>The leftmost match, or null when there is none (k8s <c>find</c> returns "" then).</summary>
    public string? Find(string input)
    {
        var caps = Exec(Checked(input), 0, groups: false);
        return caps is null ? null : input[caps[0]..caps[1]];
    }

    /// <summary>Successive non-overlapping matches as Go's FindAllString returns them; a negative limit means all.</summary>
    public IReadOnlyList<string> FindAll(string input, int limit = -1) =>
        FindAllMatches(input, limit, groups: false).Select(caps => input[caps[0]..caps[1]]).ToList();

    /// <summary>The leftmost match and its groups (null for a group that did not take part), or null when there is no match.</summary>
    public IReadOnlyList<string?>? FindSubmatch(string input)
    {
        var caps = Exec(Checked(input), 0);
        return caps is null ? null : Groups(input, caps);
    }

    /// <summary>Like <see cref="FindSubmatch"/> for every successive match; a negative limit means all.</summary>
    public IReadOnlyList<IReadOnlyList<string?>> FindAllSubmatch(string input, int limit = -1) =>
        FindAllMatches(input, limit).Select(caps => Groups(input, caps)).ToList();

    /// <summary>Replaces every match, expanding $1, ${1}, $name, ${name} and $$ in <paramref name="replacement"/> as Go does.</summary>
    public string ReplaceAll(string input, string replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        return Replace(input, (caps, sb) => Expand(sb, replacement, input, caps), -1);
    }

    /// <summary>Replaces up to <paramref name="limit"/> matches (all when negative) with <paramref name="replacement"/> taken literally.</summary>
    public string ReplaceAllLiteral(string input, string replacement, int limit = -1)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        return Replace(input, (_, sb) => sb.Append(replacement), limit);
    }

    /// <summary>
    /// Replaces up to <paramref name="limit"/> matches (all when negative) with what <paramref name="evaluator"/>
    /// returns for the match's groups (index 0 is the whole match, null for groups that did not take part).
    /// </summary>
    public string Replace(string input, Func<IReadOnlyList<string?>, string> evaluator, int limit = -1)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        return Replace(input, (caps, sb) => sb.Append(evaluator(Groups(input, caps))), limit);
    }

    /// <inheritdoc/>
    public override string ToString() => Pattern;

    private static string Checked(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length > MaxInputLength)
        {
            throw new ArgumentException($"regex input of {input.Length} characters exceeds the limit of {MaxInputLength}", nameof(input));
        }
        return input;
    }

    private IReadOnlyList<string?> Groups(string input, int[] caps)
    {
        var groups = new string?[_groupNames.Count];
        for (int i = 0; i < groups.Length; i++)
        {
            groups[i] = caps[2 * i] < 0 ? null : input[caps[2 * i]..caps[2 * i + 1]];
        }
        return groups;
    }

    // The leftmost-first match found searching from start: start/end offsets per group, -1 when unset.
    private int[]? Exec(string input, int start, bool groups = true)
    {
        if (_vm is not null)
        {
            return _vm.Exec(input, start, groups);
        }
        var m = _regex!.Match(input, start);
        if (!m.Success)
        {
            return null;
        }
        var caps = new int[2 * _groupNames.Count];
        for (int i = 0; i < _groupNames.Count; i++)
        {
            var g = m.Groups[i];
            caps[2 * i] = g.Success ? g.Index : -1;
            caps[2 * i + 1] = g.Success ? g.Index + g.Length : -1;
        }
        return caps;
    }

    // Go's allMatches: an empty match right after the previous match is skipped, and the search moves on
    // by one code point after an empty match.
    private List<int[]> FindAllMatches(string input, int limit, bool groups = true)
    {
        Checked(input);
        var result = new List<int[]>();
        int pos = 0, prevMatchEnd = -1;
        while ((limit < 0 || result.Count < limit) && pos <= input.Length)
        {
            var m = Exec(input, pos, groups);
            if (m is null)
            {
                break;
            }
            int end = m[1];
            bool accept = true;
            if (end == pos)
            {
                if (m[0] == prevMatchEnd)
                {
                    accept = false;
                }
                pos += CodePointWidth(input, pos);
            }
            else
            {
                pos = end;
            }
            prevMatchEnd = end;
            if (accept)
            {
                result.Add(m);
            }
        }
        return result;
    }

    // Go's replaceAll: no replacement for an empty match right after a previous match.
    private string Replace(string input, Action<int[], StringBuilder> append, int limit)
    {
        Checked(input);
        var sb = new StringBuilder(input.Length);
        int searchPos = 0, lastMatchEnd = 0, replaced = 0;
        while (searchPos <= input.Length && (limit < 0 || replaced < limit))
        {
            var m = Exec(input, searchPos);
            if (m is null)
            {
                break;
            }
            int end = m[1];
            sb.Append(input, lastMatchEnd, m[0] - lastMatchEnd);
            if (end > lastMatchEnd || m[0] == 0)
            {
                append(m, sb);
                replaced++;
                if (sb.Length > MaxInputLength)
                {
                    throw new ArgumentException($"replacing builds a string longer than the limit of {MaxInputLength} characters");
                }
            }
            lastMatchEnd = end;
            int width = CodePointWidth(input, searchPos);
            searchPos = searchPos + width > end ? searchPos + width : end;
        }
        sb.Append(input, lastMatchEnd, input.Length - lastMatchEnd);
        return sb.ToString();
    }

    private static int CodePointWidth(string s, int pos) =>
        pos < s.Length && char.IsSurrogatePair(s, pos) ? 2 : 1;

    // Go's Regexp.Expand for $-templates.
    private void Expand(StringBuilder sb, string template, string input, int[] caps)
    {
        int i = 0;
        while (i < template.Length)
        {
            int dollar = template.IndexOf('$', i);
            if (dollar < 0)
            {
                sb.Append(template, i, template.Length - i);
                return;
            }
            sb.Append(template, i, dollar - i);
            i = dollar;
            if (i + 1 < template.Length && template[i + 1] == '$')
            {
                sb.Append('$');
                i += 2;
                continue;
            }
            if (!TryExtractName(template, i, out string name, out int next))
            {
                sb.Append('$'); // malformed: the $ is kept as text
                i++;
                continue;
            }
            i = next;
            int number = GroupNumber(name);
            if (number >= 0)
            {
                if (number < _groupNames.Count && caps[2 * number] >= 0)
                {
                    sb.Append(input, caps[2 * number], caps[2 * number + 1] - caps[2 * number]);
                }
            }
            else
            {
                // Several groups may share a name: the leftmost one that took part wins, as in Go.
                for (int g = 1; g < _groupNames.Count; g++)
                {
                    if (_groupNames[g] == name && caps[2 * g] >= 0)
                    {
                        sb.Append(input, caps[2 * g], caps[2 * g + 1] - caps[2 * g]);
                        break;
                    }
                }
            }
        }
    }

    // $name takes the longest run of letters, digits and underscores; ${name} is delimited by braces.
    private static bool TryExtractName(string t, int dollar, out string name, out int next)
    {
        name = "";
        next = dollar;
        int p = dollar + 1;
        bool brace = p < t.Length && t[p] == '{';
        if (brace)
        {
            p++;
        }
        int start = p;
        while (p < t.Length && (char.IsLetterOrDigit(t, p) || t[p] == '_'))
        {
            p += char.IsSurrogatePair(t, p) ? 2 : 1;
        }
        if (p == start)
        {
            return false;
        }
        name = t[start..p];
        if (brace)
        {
            if (p >= t.Length || t[p] != '}')
            {
                return false;
            }
            p++;
        }
        next = p;
        return true;
    }

    // A decimal group number without leading zeros, or -1 when the name is not one.
    private static int GroupNumber(string name)
    {
        int number = 0;
        foreach (char c in name)
        {
            if (c is < '0' or > '9' || number >= 100_000_000)
            {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return name.Length > 1 && name[0] == '0' ? -1 : number;
    }
}
