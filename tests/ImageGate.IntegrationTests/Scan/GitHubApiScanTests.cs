using System.Text.Json.Nodes;
using ImageGate.TestSupport.GitHubApi;
using ImageGate.TestSupport.Policies;

namespace ImageGate.IntegrationTests.Scan;

/// <summary><c>imagegate scan</c> run as a process the way GitHub Actions runs it, publishing to a loopback GitHub API that validates
/// each request against GitHub's OpenAPI description.</summary>
[TestClass]
public sealed class GitHubApiScanTests
{
    private const string Token = GitHubStep.Token;
    private const string Repository = "acme/shop";

    private static readonly string Policy = TestPolicies.GhcrOnly;

    private static string Pods(string secondImage) => TestManifests.Pods("shop", ("good", "ghcr.io/acme/app:1"), ("bad", secondImage));

    /// <summary>A GitHub step whose API is the stub, with the comment and the check run turned on.</summary>
    private static GitHubStep NewStep(GitHubApiStub stub, string secondImage)
    {
        var step = new GitHubStep();
        step.Environment["GITHUB_API_URL"] = stub.ApiUrl.AbsoluteUri;
        step.Environment["GITHUB_SERVER_URL"] = "https://github.example";
        step.Environment["GITHUB_RUN_ID"] = "8080";
        step.Environment["GITHUB_WORKFLOW"] = "Image policy";
        step.Environment["INPUT_MANIFESTS"] = "deploy/";
        step.Environment["INPUT_COMMENT"] = "true";
        step.Environment["INPUT_CHECK-RUN"] = "true";
        step.Environment["INPUT_RESOLVE-DIGESTS"] = "false";
        step.Write("policies/ghcr-only.yaml", Policy);
        step.Write("deploy/pods.yaml", Pods(secondImage));
        return step;
    }

    /// <summary>Rewrites the pull_request event for a new head commit, from this repository or a fork.</summary>
    private static void PullRequestEvent(GitHubStep step, string headSha, bool fork = false) =>
        step.Write("event.json", new JsonObject
        {
            ["action"] = "synchronize",
            ["number"] = 17,
            ["pull_request"] = new JsonObject
            {
                ["number"] = 17,
                ["head"] = new JsonObject { ["sha"] = headSha, ["repo"] = new JsonObject { ["full_name"] = fork ? "someone/shop" : Repository, ["fork"] = fork } },
                ["base"] = new JsonObject { ["sha"] = new string('b', 40), ["repo"] = new JsonObject { ["full_name"] = Repository, ["fork"] = false } },
            },
        }.ToJsonString());

    [TestMethod]
    public async Task ScanCommentsOnThePullRequestAndCreatesTheCheckRun()
    {
        await using var stub = new GitHubApiStub(Token, Repository);
        using var step = NewStep(stub, "docker.io/acme/app:1");
        var firstHead = new string('1', 40);
        PullRequestEvent(step, firstHead);

        var (code, stdout, stderr) = step.Run();

        Assert.AreEqual(1, code, stdout + stderr);
        const string comments = "/repos/acme/shop/issues/17/comments";
        CollectionAssert.AreEqual(
            new[] { $"GET {comments}", $"POST {comments}", "POST /repos/acme/shop/check-runs" },
            stub.Calls.Select(c => c.ToString()).ToArray(), stdout + stderr);
        Assert.AreEqual("per_page=100&page=1", stub.Calls[0].Query);
        var comment = stub.CommentsOn(17).Single();
        Assert.StartsWith("<!-- imagegate:comment key=Image-policy -->", comment.Body);
        Assert.Contains("ghcr-only", comment.Body);
        Assert.Contains($"ImageGate results for commit {firstHead}", comment.Body);
        Assert.Contains("https://github.example/acme/shop/actions/runs/8080", comment.Body);

        var create = stub.Calls[2].Body!;
        Assert.AreEqual(firstHead, create["head_sha"]!.GetValue<string>(), "the PR head, not GITHUB_SHA");
        Assert.AreEqual("completed", create["status"]!.GetValue<string>());
        Assert.AreEqual("failure", create["conclusion"]!.GetValue<string>());
        var annotation = create["output"]!["annotations"]!.AsArray().Single()!;
        Assert.AreEqual("deploy/pods.yaml", annotation["path"]!.GetValue<string>());
        Assert.AreEqual(15, annotation["start_line"]!.GetValue<int>(), "the line of the failing image");
        Assert.AreEqual("failure", annotation["annotation_level"]!.GetValue<string>());
        Assert.Contains("images must come from ghcr.io", annotation["message"]!.GetValue<string>());

        Assert.Contains("::notice title=ImageGate::github-comment: Posted the ImageGate comment on #17", stdout);
        Assert.Contains("::notice title=ImageGate::github-check-run: Created check run 'ImageGate policy check' (failure)", stdout);
        AssertTokenOnlyMasked(stdout, stderr);

        // The fix is pushed: the same comment is edited in place and a new check run reports success.
        step.Write("deploy/pods.yaml", Pods("ghcr.io/acme/other:2"));
        var secondHead = new string('2', 40);
        PullRequestEvent(step, secondHead);
        (code, stdout, stderr) = step.Run();

        Assert.AreEqual(0, code, stdout + stderr);
        CollectionAssert.AreEqual(
            new[] { $"GET {comments}", $"PATCH /repos/acme/shop/issues/comments/{comment.Id}", "POST /repos/acme/shop/check-runs" },
            stub.Calls.Skip(3).Select(c => c.ToString()).ToArray(), stdout + stderr);
        var updated = stub.CommentsOn(17).Single();
        Assert.AreEqual(comment.Id, updated.Id);
        Assert.Contains(secondHead, updated.Body);
        Assert.AreEqual(secondHead, stub.Calls[5].Body!["head_sha"]!.GetValue<string>());
        Assert.AreEqual("success", stub.Calls[5].Body!["conclusion"]!.GetValue<string>());
        Assert.HasCount(2, stub.CheckRuns);
        AssertTokenOnlyMasked(stdout, stderr);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task AForkPullRequestMakesNoApiCallAndSaysWhy()
    {
        await using var stub = new GitHubApiStub(Token, Repository);
        using var step = NewStep(stub, "docker.io/acme/app:1");
        PullRequestEvent(step, new string('3', 40), fork: true);

        var (code, stdout, stderr) = step.Run();

        Assert.AreEqual(1, code, stdout + stderr);
        Assert.IsEmpty(stub.Calls);
        Assert.Contains("::notice title=ImageGate::github-comment: No pull request comment: #17 comes from a fork", stdout);
        Assert.Contains("::notice title=ImageGate::github-check-run: No check run: #17 comes from a fork", stdout);
        Assert.Contains("::error file=deploy/pods.yaml,line=15", stdout, "annotations still carry the findings");
        AssertTokenOnlyMasked(stdout, stderr);
    }

    [TestMethod]
    public async Task AReadOnlyTokenLeavesTheVerdictToTheFindings()
    {
        await using var stub = new GitHubApiStub(Token, Repository) { ReadOnlyToken = true };
        using var step = NewStep(stub, "ghcr.io/acme/other:2");
        PullRequestEvent(step, new string('4', 40));

        var (code, stdout, stderr) = step.Run();

        Assert.AreEqual(0, code, stdout + stderr);
        CollectionAssert.AreEqual(new[] { "GET", "POST", "POST" }, stub.Calls.Select(c => c.Method).ToArray());
        Assert.IsTrue(stub.Calls.Skip(1).All(c => c.Status == 403));
        Assert.Contains("`pull-requests: write`", stdout);
        Assert.Contains("`checks: write`", stdout);
        AssertTokenOnlyMasked(stdout, stderr);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    private static void AssertTokenOnlyMasked(string stdout, string stderr)
    {
        var lines = stdout.Split('\n').Where(l => l.Contains(Token, StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEqual(new[] { $"::add-mask::{Token}" }, lines, "the token appears once, in its mask command");
        Assert.DoesNotContain(Token, stderr);
    }
}
