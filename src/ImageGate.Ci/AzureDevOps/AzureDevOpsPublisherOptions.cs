using ImageGate.Reporting;

namespace ImageGate.Ci.AzureDevOps;

/// <summary>Settings of the Azure DevOps pull-request publishers; every property has a sensible default.</summary>
public sealed record AzureDevOpsPublisherOptions
{
    /// <summary>Name of the thread property that marks the thread this tool owns.</summary>
    public const string ThreadMarkerProperty = "ImageGate.Report";

    /// <summary>Longest thread key accepted.</summary>
    public const int MaxThreadKeyLength = 64;

    /// <summary>Distinguishes this run's thread from another pipeline's on the same pull request (stored as the marker's value).</summary>
    public string ThreadKey { get; init; } = "default";

    /// <summary>Largest comment in characters; longer reports are cut with a note (Azure DevOps stores comments of up to 150,000).</summary>
    public int MaxCommentChars { get; init; } = 100_000;

    /// <summary>Largest API response read, in bytes (a thread list with long comments stays far below).</summary>
    public int MaxResponseBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Status context genre: the tool.</summary>
    public string StatusGenre { get; init; } = "imagegate";

    /// <summary>Status context name; a branch policy can require it.</summary>
    public string StatusName { get; init; } = "image-verification";

    /// <summary><c>fail-on</c> and message limits shared with the other reporters.</summary>
    public ReportOptions Report { get; init; } = new();

    /// <summary>Time allowed for one API request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
