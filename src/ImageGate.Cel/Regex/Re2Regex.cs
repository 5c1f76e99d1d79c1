using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace ImageGate.Cel.Regex;

/// <summary>Placeholder RE2 regex on the non-backtracking .NET engine (no RE2 syntax validation yet).</summary>
public sealed class Re2Regex
{
    private static readonly ConcurrentDictionary<string, Re2Regex> Cache = new();
    private readonly System.Text.RegularExpressions.Regex _re;

    private Re2Regex(System.Text.RegularExpressions.Regex re) => _re = re;

    /// <summary>Compiles a pattern.</summary>
    public static Re2Regex Compile(string pattern)
    {
        try
        {
            return new Re2Regex(new System.Text.RegularExpressions.Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new Re2SyntaxException(ex.Message, 0);
        }
    }

    /// <summary>Compiles through a bounded cache.</summary>
    public static Re2Regex GetOrCompile(string pattern)
    {
        if (Cache.TryGetValue(pattern, out var re)) return re;
        re = Compile(pattern);
        if (Cache.Count > 1000) Cache.Clear();
        Cache[pattern] = re;
        return re;
    }

    /// <summary>Whether the pattern matches anywhere in the input.</summary>
    public bool IsMatch(string input) => _re.IsMatch(input);

    /// <summary>The first match, or null.</summary>
    public string? Find(string input) => _re.Match(input) is { Success: true } m ? m.Value : null;

    /// <summary>All matches, up to limit when limit is not negative.</summary>
    public IReadOnlyList<string> FindAll(string input, int limit = -1)
    {
        var res = new List<string>();
        foreach (Match m in _re.Matches(input))
        {
            if (limit >= 0 && res.Count >= limit) break;
            res.Add(m.Value);
        }
        return res;
    }

    /// <summary>The first match and its groups, or null.</summary>
    public IReadOnlyList<string?>? FindSubmatch(string input)
    {
        var m = _re.Match(input);
        if (!m.Success) return null;
        return m.Groups.Cast<Group>().Select(g => g.Success ? g.Value : null).ToList();
    }

    /// <summary>Replaces every match.</summary>
    public string ReplaceAll(string input, string replacement) => _re.Replace(input, replacement);
}

/// <summary>A pattern that is not valid RE2 syntax.</summary>
public sealed class Re2SyntaxException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public Re2SyntaxException(string message, int position) : base(message) => Position = position;

    /// <summary>Offset in the pattern.</summary>
    public int Position { get; }
}
