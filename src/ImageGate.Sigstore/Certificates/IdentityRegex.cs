using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace ImageGate.Sigstore.Certificates;

/// <summary>Identity regular expressions: unanchored matching as Go's RE2 <c>MatchString</c> does. The non-backtracking engine
/// bounds the run time and, like RE2, rejects lookarounds and backreferences.</summary>
internal static class IdentityRegex
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    public static bool IsMatch(string pattern, string input)
    {
        if (pattern.Length > 4096)
        {
            throw Fail.With("identity regular expression is longer than 4096 characters");
        }
        if (Cache.Count > 1024)
        {
            Cache.Clear(); // policies hold few patterns; this only bounds memory against unbounded input
        }
        Regex regex;
        try
        {
            regex = Cache.GetOrAdd(pattern, p => new Regex(p, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw Fail.With($"invalid identity regular expression \"{pattern}\": {ex.Message}");
        }
        return regex.IsMatch(input);
    }
}
