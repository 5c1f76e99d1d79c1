using System.Text;
using System.Text.RegularExpressions;

namespace ImageGate.Manifests.Discovery;

/// <summary>A path glob: <c>*</c> and <c>?</c> stay within a folder, <c>**</c> spans folders, <c>{a,b}</c> picks one.
/// Paths are matched with '/' separators.</summary>
public sealed class Glob
{
    private readonly Regex _regex;

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    public Glob(string pattern)
    {
        Pattern = pattern.Replace('\\', '/');
        _regex = new Regex("^" + ToRegex(Pattern) + "$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    /// <summary>The pattern as given (with '/' separators).</summary>
    public string Pattern { get; }

    /// <summary>True when the pattern has no '/', so it matches a single file or folder name anywhere.</summary>
    public bool MatchesNames => !Pattern.Contains('/');

    /// <summary>True when <paramref name="path"/> (with '/' separators) matches.</summary>
    public bool IsMatch(string path) => _regex.IsMatch(path);

    /// <summary>True when <paramref name="text"/> contains glob wildcards.</summary>
    public static bool HasWildcards(string text) => text.AsSpan().IndexOfAny("*?{[") >= 0;

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder();
        var braces = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    var slashFollows = i + 2 < pattern.Length && pattern[i + 2] == '/';
                    regex.Append(slashFollows ? "(?:.*/)?" : ".*");
                    i += slashFollows ? 2 : 1;
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '{':
                    braces++;
                    regex.Append("(?:");
                    break;
                case '}' when braces > 0:
                    braces--;
                    regex.Append(')');
                    break;
                case ',' when braces > 0:
                    regex.Append('|');
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        if (braces > 0)
        {
            throw new ArgumentException($"unbalanced '{{' in glob '{pattern}'");
        }
        return regex.ToString();
    }
}
