using ImageGate.Reporting;

namespace ImageGate.Ci.GitHub.Api;

/// <summary>Settings of the GitHub pull-request publishers; every property has a sensible default.</summary>
public sealed record GitHubPublisherOptions
{
    /// <summary>Longest key accepted in the comment marker.</summary>
    public const int MaxCommentKeyLength = 64;

    /// <summary>Distinguishes this tool's comment from the one of another workflow or job on the same pull request.</summary>
    public string CommentKey { get; init; } = "default";

    /// <summary>A comment key made from a name such as the workflow's (<c>GITHUB_WORKFLOW</c>): letters and digits kept,
    /// runs of anything else turned into one <c>-</c>, cut to <see cref="MaxCommentKeyLength"/>; <c>default</c> when nothing is left.</summary>
    public static string KeyFrom(string? name)
    {
        var key = new System.Text.StringBuilder();
        foreach (var c in name ?? "")
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_')
            {
                key.Append(c);
            }
            else if (key.Length > 0 && key[^1] != '-')
            {
                key.Append('-');
            }
            if (key.Length >= MaxCommentKeyLength)
            {
                break;
            }
        }
        var text = key.ToString().Trim('-');
        return text.Length == 0 ? "default" : text;
    }

    /// <summary>Only a marked comment by this login is updated (<c>github-actions[bot]</c> for <c>GITHUB_TOKEN</c>); null or empty accepts any author.</summary>
    public string? CommentAuthor { get; init; } = "github-actions[bot]";

    /// <summary>Most pages of 100 comments read while looking for the earlier comment.</summary>
    public int MaxCommentPages { get; init; } = 10;

    /// <summary>Largest comment body in characters (GitHub refuses bodies over 65,536).</summary>
    public int MaxCommentChars { get; init; } = 65_536;

    /// <summary>Check run name; distinctive, because a check run joins whichever check suite GitHub picks for the commit.</summary>
    public string CheckRunName { get; init; } = "ImageGate policy check";

    /// <summary>Most annotations sent with one check run (GitHub takes 50 per request).</summary>
    public int MaxCheckRunAnnotations { get; init; } = 500;

    /// <summary>Repository root, <c>fail-on</c> and message limits shared with the other reporters.</summary>
    public ReportOptions Report { get; init; } = new();

    /// <summary>Time allowed for one API request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
