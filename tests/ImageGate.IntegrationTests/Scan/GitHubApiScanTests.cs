using System.Text.Json.Nodes;
using ImageGate.Cli;
using ImageGate.Cli.Framework;
using ImageGate.TestSupport;
using ImageGate.TestSupport.GitHubApi;

namespace ImageGate.IntegrationTests.Scan;

/// <summary><c>imagegate scan</c> run the way GitHub Actions runs it, publishing to a loopback GitHub API that validates
/// each request against GitHub's OpenAPI description.</summary>
[TestClass]
public sealed class GitHubApiScanTests
{
    private const string Token = "ghs_ScanEndToEndTokenNeverPrinted42";
    private const string Repository = "octo-org/octo-repo";
    private const string MergeSha = "0000000000000000000000000000000000000abc";

    private const string Policy = """
        apiVersion: policies.kyverno.io/v1
        kind: ImageValidatingPolicy
        metadata:
          name: ghcr-only
        spec:
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: [v1]
              operations: [CREATE]
              resources: [pods]
          validationConfigurations: {verifyDigest: false, mutateDigest: false, required: false}
          attestors: []
          validations:
          - expression: "images.containers.all(i, i.startsWith('ghcr.io/'))"
            message: images must come from ghcr.io
        """;

    private static string Pods(string secondImage) => $"""
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: good, namespace: shop{"}"}
        spec:
          containers:
          - name: c
            image: ghcr.io/acme/app:1
        ---
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: bad, namespace: shop{"}"}
        spec:
          containers:
          - name: c
            image: {secondImage}
        """;

    private sealed class GitHubRun(TestFiles files, GitHubApiStub stub)
    {
        public string Workspace { get; } = Directory.CreateDirectory(Path.Combine(files.Root, "workspace")).FullName;

        public string Stdout { get; private set; } = "";

        public string Stderr { get; private set; } = "";

        public int Run(string headSha, bool fork = false)
        {
            var eventPath = files.Write("event.json", new JsonObject
            {
                ["action"] = "synchronize",
                ["number"] = 5,
                ["pull_request"] = new JsonObject
                {
                    ["number"] = 5,
                    ["head"] = new JsonObject { ["sha"] = headSha, ["repo"] = new JsonObject { ["full_name"] = fork ? "someone/octo-repo" : Repository, ["fork"] = fork } },
                    ["base"] = new JsonObject { ["sha"] = "b".PadLeft(40, 'b'), ["repo"] = new JsonObject { ["full_name"] = Repository, ["fork"] = false } },
                },
            }.ToJsonString());
            var env = new Dictionary<string, string>
            {
                ["GITHUB_ACTIONS"] = "true",
                ["CI"] = "true",
                ["GITHUB_WORKSPACE"] = Workspace,
                ["GITHUB_REPOSITORY"] = Repository,
                ["GITHUB_API_URL"] = stub.ApiUrl.AbsoluteUri,
                ["GITHUB_SERVER_URL"] = "https://github.example",
                ["GITHUB_EVENT_NAME"] = "pull_request",
                ["GITHUB_EVENT_PATH"] = eventPath,
                ["GITHUB_SHA"] = MergeSha,
                ["GITHUB_RUN_ID"] = "8080",
                ["GITHUB_WORKFLOW"] = "Image policy",
                ["GITHUB_OUTPUT"] = files.Write("output.txt", ""),
                ["GITHUB_STEP_SUMMARY"] = files.Write("summary.md", ""),
                ["INPUT_POLICIES"] = "policies/",
                ["INPUT_MANIFESTS"] = "deploy/",
                ["INPUT_COMMENT"] = "true",
                ["INPUT_CHECK-RUN"] = "true",
                ["INPUT_GITHUB-TOKEN"] = Token,
                ["INPUT_RESOLVE-DIGESTS"] = "false",
                ["INPUT_OFFLINE"] = "true",
            };
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = Program.Run(["scan"], new CliContext(stdout, stderr, null, Workspace) { Environment = name => env.GetValueOrDefault(name) });
            Stdout = stdout.ToString();
            Stderr = stderr.ToString();
            return code;
        }
    }

    [TestMethod]
    public async Task ScanCommentsOnThePullRequestAndCreatesTheCheckRun()
    {
        using var files = new TestFiles("scan-github-api");
        await using var stub = new GitHubApiStub(Token, Repository);
        var run = new GitHubRun(files, stub);
        files.Write("workspace/policies/ghcr-only.yaml", Policy);
        files.Write("workspace/deploy/pods.yaml", Pods("docker.io/acme/app:1"));
        var firstHead = new string('1', 40);

        Assert.AreEqual(1, run.Run(firstHead), run.Stdout + run.Stderr);

        const string comments = "/repos/octo-org/octo-repo/issues/5/comments";
        CollectionAssert.AreEqual(
            new[] { $"GET {comments}", $"POST {comments}", "POST /repos/octo-org/octo-repo/check-runs" },
            stub.Calls.Select(c => c.ToString()).ToArray(), run.Stdout + run.Stderr);
        Assert.AreEqual("per_page=100&page=1", stub.Calls[0].Query);
        var comment = stub.CommentsOn(5).Single();
        Assert.StartsWith("<!-- imagegate:comment key=Image-policy -->", comment.Body);
        Assert.Contains("ghcr-only", comment.Body);
        Assert.Contains($"ImageGate results for commit {firstHead}", comment.Body);
        Assert.Contains("https://github.example/octo-org/octo-repo/actions/runs/8080", comment.Body);

        var create = stub.Calls[2].Body!;
        Assert.AreEqual(firstHead, create["head_sha"]!.GetValue<string>(), "the PR head, not GITHUB_SHA");
        Assert.AreEqual("completed", create["status"]!.GetValue<string>());
        Assert.AreEqual("failure", create["conclusion"]!.GetValue<string>());
        var annotation = create["output"]!["annotations"]!.AsArray().Single()!;
        Assert.AreEqual("deploy/pods.yaml", annotation["path"]!.GetValue<string>());
        Assert.AreEqual(15, annotation["start_line"]!.GetValue<int>(), "the line of the failing image");
        Assert.AreEqual("failure", annotation["annotation_level"]!.GetValue<string>());
        Assert.Contains("images must come from ghcr.io", annotation["message"]!.GetValue<string>());

        Assert.Contains("::notice title=ImageGate::github-comment: Posted the ImageGate comment on #5", run.Stdout);
        Assert.Contains("::notice title=ImageGate::github-check-run: Created check run 'ImageGate policy check' (failure)", run.Stdout);
        AssertTokenOnlyMasked(run);

        // The fix is pushed: the same comment is edited in place and a new check run reports success.
        files.Write("workspace/deploy/pods.yaml", Pods("ghcr.io/acme/other:2"));
        var secondHead = new string('2', 40);
        Assert.AreEqual(0, run.Run(secondHead), run.Stdout + run.Stderr);

        CollectionAssert.AreEqual(
            new[] { $"GET {comments}", $"PATCH /repos/octo-org/octo-repo/issues/comments/{comment.Id}", "POST /repos/octo-org/octo-repo/check-runs" },
            stub.Calls.Skip(3).Select(c => c.ToString()).ToArray(), run.Stdout + run.Stderr);
        var updated = stub.CommentsOn(5).Single();
        Assert.AreEqual(comment.Id, updated.Id);
        Assert.Contains(secondHead, updated.Body);
        Assert.AreEqual(secondHead, stub.Calls[5].Body!["head_sha"]!.GetValue<string>());
        Assert.AreEqual("success", stub.Calls[5].Body!["conclusion"]!.GetValue<string>());
        Assert.HasCount(2, stub.CheckRuns);
        AssertTokenOnlyMasked(run);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task AForkPullRequestMakesNoApiCallAndSaysWhy()
    {
        using var files = new TestFiles("scan-github-api");
        await using var stub = new GitHubApiStub(Token, Repository);
        var run = new GitHubRun(files, stub);
        files.Write("workspace/policies/ghcr-only.yaml", Policy);
        files.Write("workspace/deploy/pods.yaml", Pods("docker.io/acme/app:1"));

        Assert.AreEqual(1, run.Run(new string('3', 40), fork: true), run.Stdout + run.Stderr);

        Assert.IsEmpty(stub.Calls);
        Assert.Contains("::notice title=ImageGate::github-comment: No pull request comment: #5 comes from a fork", run.Stdout);
        Assert.Contains("::notice title=ImageGate::github-check-run: No check run: #5 comes from a fork", run.Stdout);
        Assert.Contains("::error file=deploy/pods.yaml,line=15", run.Stdout, "annotations still carry the findings");
        AssertTokenOnlyMasked(run);
    }

    [TestMethod]
    public async Task AReadOnlyTokenLeavesTheVerdictToTheFindings()
    {
        using var files = new TestFiles("scan-github-api");
        await using var stub = new GitHubApiStub(Token, Repository) { ReadOnlyToken = true };
        var run = new GitHubRun(files, stub);
        files.Write("workspace/policies/ghcr-only.yaml", Policy);
        files.Write("workspace/deploy/pods.yaml", Pods("ghcr.io/acme/other:2"));

        Assert.AreEqual(0, run.Run(new string('4', 40)), run.Stdout + run.Stderr);

        CollectionAssert.AreEqual(new[] { "GET", "POST", "POST" }, stub.Calls.Select(c => c.Method).ToArray());
        Assert.IsTrue(stub.Calls.Skip(1).All(c => c.Status == 403));
        Assert.Contains("`pull-requests: write`", run.Stdout);
        Assert.Contains("`checks: write`", run.Stdout);
        AssertTokenOnlyMasked(run);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    private static void AssertTokenOnlyMasked(GitHubRun run)
    {
        var lines = run.Stdout.Split('\n').Where(l => l.Contains(Token, StringComparison.Ordinal)).ToArray();
        Assert.IsTrue(lines.All(l => l.StartsWith("::add-mask::", StringComparison.Ordinal)), string.Join("\n", lines));
        Assert.DoesNotContain(Token, run.Stderr);
    }
}
