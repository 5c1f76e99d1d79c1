using ImageGate.Ci.GitHub;
using ImageGate.Ci.Inputs;
using ImageGate.Ci.Publishing;

namespace ImageGate.Cli.Scan;

/// <summary>What a publisher factory sees: the resolved inputs, the GitHub step context and the environment
/// (Azure DevOps publishers read <c>SYSTEM_*</c> and <c>BUILD_*</c> from it).</summary>
/// <param name="Inputs">The scan's inputs (<c>comment</c>, <c>check-run</c>, <c>github-token</c>, …).</param>
/// <param name="GitHub">The GitHub Actions context; <see cref="GitHubContext.IsActions"/> is false elsewhere.</param>
/// <param name="Environment">Environment lookup.</param>
public sealed record PublisherContext(ScanInputs Inputs, GitHubContext GitHub, Func<string, string?> Environment);

/// <summary>Chooses the pull-request publishers of one scan run; an empty list publishes nothing.</summary>
public delegate IReadOnlyList<IRunPublisher> RunPublisherFactory(PublisherContext context);

/// <summary>The composition root of <c>scan</c>'s pull-request publishing: platform publishers are added here.</summary>
public static class ScanPublishers
{
    /// <summary>The publishers for a run (none yet: comment and check-run publishers plug in here).</summary>
    public static IReadOnlyList<IRunPublisher> Create(PublisherContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return [];
    }
}
