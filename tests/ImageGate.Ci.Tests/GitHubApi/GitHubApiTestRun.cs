using ImageGate.Ci.GitHub;
using ImageGate.Ci.Publishing;
using ImageGate.Reporting;

namespace ImageGate.Ci.Tests.GitHubApi;

/// <summary>Contexts and run results for the GitHub publisher tests.</summary>
internal static class GitHubApiTestRun
{
    public const string Token = "ghs_TestTokenThatMustNeverAppear0123456789";
    public const string Repository = "octo-org/octo-repo";
    public const string Workspace = "/github/workspace";
    public const string HeadSha = "1111111111111111111111111111111111111111";
    public const string MergeSha = "9999999999999999999999999999999999999999";

    public static GitHubContext Context(Uri apiUrl, int pr = 7, string headSha = HeadSha, bool fork = false) => new()
    {
        IsActions = true,
        Workspace = Workspace,
        Repository = Repository,
        ApiUrl = apiUrl,
        ServerUrl = new Uri("https://github.example"),
        EventName = "pull_request",
        Sha = MergeSha,
        RunId = "4242",
        PullRequest = new GitHubPullRequest(pr, headSha, fork),
    };

    /// <summary><paramref name="deny"/> failing Deny findings at <c>deploy/app.yaml</c> lines 10, 20, …, plus one Warn and one pass.</summary>
    public static RunResult Result(int deny)
    {
        var findings = new List<Finding>();
        for (var i = 0; i < deny; i++)
        {
            findings.Add(new Finding
            {
                Policy = "require-signed",
                Resource = new ResourceRef("apps/v1", "Deployment", "prod", $"app-{i}") { Span = new SourceSpan($"{Workspace}/deploy/app.yaml", 10 * i + 1) },
                Images = [new ImageRef($"registry.example/app{i}:1.0") { Span = new SourceSpan($"{Workspace}/deploy/app.yaml", 10 * i + 5, 16, 10 * i + 5, 40) }],
                Result = Outcome.Fail,
                Message = "no valid signature",
                InputOrder = i,
            });
        }
        findings.Add(new Finding
        {
            Policy = "prefer-digests",
            Actions = [ValidationAction.Warn],
            Resource = new ResourceRef("v1", "Pod", "prod", "warned") { Span = new SourceSpan($"{Workspace}/deploy/pod.yaml", 1) },
            Result = Outcome.Fail,
            Message = "image is not pinned",
            InputOrder = deny,
        });
        findings.Add(new Finding
        {
            Policy = "require-signed",
            Resource = new ResourceRef("v1", "Pod", "prod", "fine") { Span = new SourceSpan($"{Workspace}/deploy/ok.yaml", 1) },
            Result = Outcome.Pass,
            InputOrder = deny + 1,
        });
        return new RunResult(findings);
    }

    public static PublishRequest Request(RunResult result, string? markdown = null) =>
        new(result, markdown ?? Markdown(result), null);

    public static string Markdown(RunResult result)
    {
        using var writer = new StringWriter();
        new MarkdownSummaryReporter(new ReportOptions { RepositoryRoot = Workspace }).Write(result, writer);
        return writer.ToString();
    }
}
