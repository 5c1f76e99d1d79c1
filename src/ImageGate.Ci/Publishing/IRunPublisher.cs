using ImageGate.Reporting;

namespace ImageGate.Ci.Publishing;

/// <summary>What every pull-request publisher receives: the findings and the reports already rendered from them.</summary>
/// <param name="Result">The run's findings and diagnostics.</param>
/// <param name="MarkdownReport">The Markdown report (summary table) to post as a comment or thread body, without any marker.</param>
/// <param name="SarifPath">Path of the SARIF file written by the run, when one was.</param>
public sealed record PublishRequest(RunResult Result, string MarkdownReport, string? SarifPath);

/// <summary>What a publisher did: whether it posted anything, and notices for the log (fork PR, read-only token...).</summary>
public sealed record PublishOutcome(bool Published, IReadOnlyList<string> Notices)
{
    /// <summary>Nothing posted, with the reason.</summary>
    public static PublishOutcome Skipped(string notice) => new(false, [notice]);
}

/// <summary>Posts a run's results to a platform's pull request (GitHub comment or check run, Azure DevOps thread or status).</summary>
public interface IRunPublisher
{
    /// <summary>Short name for logs, e.g. <c>github-comment</c>.</summary>
    string Name { get; }

    /// <summary>Publishes; platform refusals (403 on a fork's read-only token) become notices, not exceptions.</summary>
    Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken);
}
