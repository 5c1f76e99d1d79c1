using ImageGate.Ci.Inputs;
using ImageGate.Ci.Publishing;
using ImageGate.Reporting;
using Octokit;

namespace ImageGate.Ci.GitHub.Api;

/// <summary>Chooses the GitHub pull-request publishers of a run.</summary>
public static class GitHubPublishers
{
    /// <summary>The comment publisher when <paramref name="comment"/> is on and the event is a pull request, and the check-run
    /// publisher when <paramref name="checkRun"/> is on. Missing tokens, forks and refusals surface as notices when publishing.</summary>
    /// <param name="context">The step's GitHub context (API URL, repository, pull request).</param>
    /// <param name="token">The token (github-token input or GITHUB_TOKEN); never written to any message.</param>
    /// <param name="comment">Post or update the sticky pull-request comment.</param>
    /// <param name="checkRun">Create a check run with annotations (opt-in).</param>
    /// <param name="handler">HTTP handler to use instead of Octokit's default, for tests.</param>
    /// <param name="options">Comment key, author, limits and report settings.</param>
    /// <exception cref="ArgumentException">The comment key has characters a marker cannot hold.</exception>
    public static IReadOnlyList<IRunPublisher> Create(
        GitHubContext context, string? token, bool comment, bool checkRun, HttpMessageHandler? handler = null, GitHubPublisherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= new GitHubPublisherOptions();
        var client = string.IsNullOrEmpty(token)
            ? null
            : new Lazy<GitHubClient>(() => GitHubApi.CreateClient(context.ApiUrl, token, handler, options.RequestTimeout));
        var publishers = new List<IRunPublisher>();
        if (comment && context.PullRequest is not null)
        {
            publishers.Add(new GitHubCommentPublisher(context, client, token, options));
        }
        if (checkRun)
        {
            publishers.Add(new GitHubCheckRunPublisher(context, client, token, options));
        }
        return publishers;
    }

    /// <summary>The publishers of <c>imagegate scan</c> on GitHub Actions (none elsewhere): the comment when the <c>comment</c>
    /// input is on and the event is a pull request, the check run when <c>check-run</c> is on, with the <c>github-token</c>
    /// input (default <c>GITHUB_TOKEN</c>) and the run's <c>fail-on</c>. The comment is keyed by the workflow's name
    /// (<c>GITHUB_WORKFLOW</c> in <paramref name="environment"/>), so two workflows keep one comment each.</summary>
    public static IReadOnlyList<IRunPublisher> ForScan(ScanInputs inputs, GitHubContext github, Func<string, string?> environment, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(github);
        if (!github.IsActions)
        {
            return [];
        }
        var options = new GitHubPublisherOptions
        {
            CommentKey = GitHubPublisherOptions.KeyFrom(environment("GITHUB_WORKFLOW")),
            Report = new ReportOptions { RepositoryRoot = github.Workspace, FailOn = inputs.FailOn, Explain = inputs.Explain },
        };
        return Create(github, inputs.GitHubToken, inputs.Comment, inputs.CheckRun, handler, options);
    }
}
