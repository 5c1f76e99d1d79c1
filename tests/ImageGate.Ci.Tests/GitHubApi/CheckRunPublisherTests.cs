using System.Text.Json.Nodes;
using ImageGate.Ci.GitHub.Api;
using ImageGate.Ci.Publishing;
using ImageGate.Reporting;
using ImageGate.TestSupport.GitHubApi;
using static ImageGate.Ci.Tests.GitHubApi.GitHubApiTestRun;

namespace ImageGate.Ci.Tests.GitHubApi;

[TestClass]
public sealed class CheckRunPublisherTests
{
    private static IRunPublisher CheckRunPublisher(GitHubApiStub stub, GitHubPublisherOptions? options = null) =>
        GitHubPublishers.Create(Context(stub.ApiUrl), Token, comment: false, checkRun: true, options: options).Single();

    private static int AnnotationCount(GitHubApiCall call) => call.Body?["output"]?["annotations"]?.AsArray().Count ?? 0;

    [TestMethod]
    public async Task HundredTwentyAnnotationsGoInThreeRequestsOfFiftyFiftyTwenty()
    {
        await using var stub = new GitHubApiStub(Token);
        // 119 Deny failures and one Warn: 120 annotations.
        var outcome = await CheckRunPublisher(stub).PublishAsync(Request(Result(119)), CancellationToken.None);

        Assert.IsTrue(outcome.Published, string.Join("\n", outcome.Notices));
        var (id, run, annotations) = stub.CheckRuns.Single();
        CollectionAssert.AreEqual(
            new[] { "POST /repos/octo-org/octo-repo/check-runs", $"PATCH /repos/octo-org/octo-repo/check-runs/{id}", $"PATCH /repos/octo-org/octo-repo/check-runs/{id}" },
            stub.Calls.Select(c => c.ToString()).ToArray());
        CollectionAssert.AreEqual(new[] { 50, 50, 20 }, stub.Calls.Select(AnnotationCount).ToArray());

        var create = stub.Calls[0].Body!;
        Assert.AreEqual(HeadSha, create["head_sha"]!.GetValue<string>(), "the PR head, not GITHUB_SHA's merge commit");
        Assert.AreEqual("ImageGate policy check", create["name"]!.GetValue<string>());
        Assert.AreEqual("in_progress", create["status"]!.GetValue<string>());
        Assert.IsNull(create["conclusion"]);
        Assert.IsNull(stub.Calls[1].Body!["conclusion"]);
        Assert.AreEqual("completed", stub.Calls[2].Body!["status"]!.GetValue<string>());
        Assert.AreEqual("failure", stub.Calls[2].Body!["conclusion"]!.GetValue<string>());

        Assert.AreEqual("completed", run["status"]!.GetValue<string>());
        Assert.AreEqual("failure", run["conclusion"]!.GetValue<string>());
        Assert.HasCount(120, annotations);
        Assert.IsTrue(annotations.All(a => a["path"]!.GetValue<string>() is "deploy/app.yaml" or "deploy/pod.yaml"), "repository-relative paths");
        Assert.AreEqual(119, annotations.Count(a => a["annotation_level"]!.GetValue<string>() == "failure"));
        Assert.AreEqual("warning", annotations[^1]["annotation_level"]!.GetValue<string>());
        var first = annotations[0];
        Assert.AreEqual(5, first["start_line"]!.GetValue<int>());
        Assert.AreEqual(5, first["end_line"]!.GetValue<int>());
        Assert.AreEqual(16, first["start_column"]!.GetValue<int>());
        Assert.AreEqual(40, first["end_column"]!.GetValue<int>());
        Assert.Contains("no valid signature", first["message"]!.GetValue<string>());
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task FewAnnotationsMakeOneCompletedRequest()
    {
        await using var stub = new GitHubApiStub(Token);
        var outcome = await CheckRunPublisher(stub).PublishAsync(Request(Result(2)), CancellationToken.None);

        Assert.IsTrue(outcome.Published, string.Join("\n", outcome.Notices));
        var call = stub.Calls.Single();
        Assert.AreEqual("checks/create", call.OperationId);
        Assert.AreEqual(3, AnnotationCount(call));
        Assert.AreEqual("completed", call.Body!["status"]!.GetValue<string>());
        Assert.AreEqual("failure", call.Body!["conclusion"]!.GetValue<string>());
        Assert.AreEqual("4242", call.Body!["external_id"]!.GetValue<string>());
        Assert.AreEqual("https://github.example/octo-org/octo-repo/actions/runs/4242", call.Body!["details_url"]!.GetValue<string>());
        Assert.Contains("require-signed", call.Body!["output"]!["summary"]!.GetValue<string>());
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task ConclusionFollowsTheRun()
    {
        await using var stub = new GitHubApiStub(Token);
        var pass = new RunResult([new Finding { Policy = "p", Resource = new ResourceRef("v1", "Pod", null, "a"), Result = Outcome.Pass }]);
        var warnOnly = new RunResult(Result(0).Findings);
        await CheckRunPublisher(stub).PublishAsync(Request(pass), CancellationToken.None);
        await CheckRunPublisher(stub).PublishAsync(Request(warnOnly), CancellationToken.None);
        await CheckRunPublisher(stub, new GitHubPublisherOptions { Report = new ReportOptions { FailOn = FailOn.Warn } })
            .PublishAsync(Request(warnOnly), CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "success", "neutral", "failure" },
            stub.Calls.Select(c => c.Body!["conclusion"]!.GetValue<string>()).ToArray());
        Assert.IsNull(stub.Calls[0].Body!["output"]!["annotations"], "no empty annotation list");
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task TheAnnotationBoundLeavesTheRestToTheSummary()
    {
        await using var stub = new GitHubApiStub(Token);
        var outcome = await CheckRunPublisher(stub, new GitHubPublisherOptions { MaxCheckRunAnnotations = 60 })
            .PublishAsync(Request(Result(119)), CancellationToken.None);

        Assert.IsTrue(outcome.Published);
        CollectionAssert.AreEqual(new[] { 50, 10 }, stub.Calls.Select(AnnotationCount).ToArray());
        Assert.Contains("60 annotation(s) were left out", outcome.Notices[1]);
        Assert.Contains("60 annotation(s) are not attached", stub.Calls[1].Body!["output"]!["summary"]!.GetValue<string>());
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task AMissingChecksPermissionBecomesANotice()
    {
        await using var stub = new GitHubApiStub(Token);
        stub.DeniedOperations.Add("checks/create");
        var outcome = await CheckRunPublisher(stub).PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsFalse(outcome.Published);
        Assert.Contains("checks: write", outcome.Notices.Single());
        Assert.Contains("403", outcome.Notices.Single());
        Assert.AreEqual(403, stub.Calls.Single().Status);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task OnPushTheCheckRunGoesOnGitHubSha()
    {
        await using var stub = new GitHubApiStub(Token);
        var push = Context(stub.ApiUrl) with { PullRequest = null, EventName = "push" };
        var outcome = await GitHubPublishers.Create(push, Token, comment: true, checkRun: true).Single()
            .PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsTrue(outcome.Published);
        Assert.AreEqual(MergeSha, stub.Calls.Single().Body!["head_sha"]!.GetValue<string>());
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task FindingsOutsideTheRepositoryAreNotAnnotated()
    {
        await using var stub = new GitHubApiStub(Token);
        var outside = new RunResult([new Finding
        {
            Policy = "p",
            Resource = new ResourceRef("v1", "Pod", null, "a") { Span = new SourceSpan("/tmp/rendered/pod.yaml", 3) },
            Result = Outcome.Fail,
        }]);
        var outcome = await CheckRunPublisher(stub).PublishAsync(Request(outside), CancellationToken.None);

        Assert.IsTrue(outcome.Published);
        Assert.AreEqual(0, AnnotationCount(stub.Calls.Single()));
        Assert.Contains("1 annotation(s) were left out", outcome.Notices[1]);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }
}
