using ImageGate.Ci.GitHub.Api;
using ImageGate.Ci.Publishing;
using ImageGate.TestSupport.GitHubApi;
using static ImageGate.Ci.Tests.GitHubApi.GitHubApiTestRun;

namespace ImageGate.Ci.Tests.GitHubApi;

[TestClass]
public sealed class CommentPublisherTests
{
    private const string Comments = "/repos/octo-org/octo-repo/issues/7/comments";

    private static IRunPublisher CommentPublisher(GitHubApiStub stub, string headSha = HeadSha, GitHubPublisherOptions? options = null) =>
        GitHubPublishers.Create(Context(stub.ApiUrl, headSha: headSha), Token, comment: true, checkRun: false, options: options).Single();

    [TestMethod]
    public async Task FirstRunCreatesTheCommentAndASecondRunPatchesTheSameOne()
    {
        await using var stub = new GitHubApiStub(Token);
        var first = await CommentPublisher(stub).PublishAsync(Request(Result(2)), CancellationToken.None);
        Assert.IsTrue(first.Published, string.Join("\n", first.Notices));
        var id = stub.CommentsOn(7).Single().Id;

        const string newHead = "2222222222222222222222222222222222222222";
        var second = await CommentPublisher(stub, newHead).PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsTrue(second.Published, string.Join("\n", second.Notices));
        CollectionAssert.AreEqual(
            new[] { $"GET {Comments}", $"POST {Comments}", $"GET {Comments}", $"PATCH /repos/octo-org/octo-repo/issues/comments/{id}" },
            stub.Calls.Select(c => c.ToString()).ToArray());
        var only = stub.CommentsOn(7).Single();
        Assert.AreEqual(id, only.Id);
        Assert.AreEqual(GitHubApiStub.ActionsBot, only.Login);
        Assert.StartsWith("<!-- imagegate:comment key=default -->\n", only.Body);
        Assert.Contains(newHead, only.Body);
        Assert.DoesNotContain(HeadSha, only.Body);
        Assert.Contains("https://github.example/octo-org/octo-repo/actions/runs/4242", only.Body);
        Assert.AreEqual("per_page=100&page=1", stub.Calls[0].Query, "list requests ask for full pages and nothing undocumented");
        Assert.AreEqual("issues/update-comment", stub.Calls[3].OperationId);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task AnUnchangedReportIsNotEditedAgain()
    {
        await using var stub = new GitHubApiStub(Token);
        await CommentPublisher(stub).PublishAsync(Request(Result(1)), CancellationToken.None);
        var again = await CommentPublisher(stub).PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsTrue(again.Published);
        Assert.Contains("already up to date", again.Notices.Single());
        CollectionAssert.AreEqual(new[] { "GET", "POST", "GET" }, stub.Calls.Select(c => c.Method).ToArray());
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task EachKeyOwnsItsCommentAndOthersCommentsAreLeftAlone()
    {
        await using var stub = new GitHubApiStub(Token);
        // A reviewer quoting the marker must not have their comment taken over.
        var quoted = stub.AddComment(7, "> <!-- imagegate:comment key=deploy -->\nwhy?", "reviewer");
        var deploy = new GitHubPublisherOptions { CommentKey = "deploy" };
        var nightly = new GitHubPublisherOptions { CommentKey = "nightly" };

        await CommentPublisher(stub, options: deploy).PublishAsync(Request(Result(1), "deploy report v1"), CancellationToken.None);
        await CommentPublisher(stub, options: nightly).PublishAsync(Request(Result(1), "nightly report"), CancellationToken.None);
        await CommentPublisher(stub, options: deploy).PublishAsync(Request(Result(1), "deploy report v2"), CancellationToken.None);

        var comments = stub.CommentsOn(7);
        Assert.HasCount(3, comments);
        Assert.AreEqual(quoted, comments[0].Id);
        Assert.AreEqual("> <!-- imagegate:comment key=deploy -->\nwhy?", comments[0].Body);
        Assert.StartsWith("<!-- imagegate:comment key=deploy -->", comments[1].Body);
        Assert.Contains("deploy report v2", comments[1].Body);
        Assert.StartsWith("<!-- imagegate:comment key=nightly -->", comments[2].Body);
        Assert.Contains("nightly report", comments[2].Body);
        Assert.AreEqual(1, stub.Calls.Count(c => c.Method == "PATCH"));
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task APersonalTokensOwnCommentIsFoundAgain()
    {
        await using var stub = new GitHubApiStub(Token) { TokenLogin = "release-bot" };
        await CommentPublisher(stub).PublishAsync(Request(Result(1), "first"), CancellationToken.None);
        var second = await CommentPublisher(stub).PublishAsync(Request(Result(1), "second"), CancellationToken.None);

        Assert.IsTrue(second.Published, string.Join("\n", second.Notices));
        var only = stub.CommentsOn(7).Single();
        Assert.AreEqual("release-bot", only.Login);
        Assert.Contains("second", only.Body);
        CollectionAssert.AreEqual(new[] { "GET", "POST", "GET", "PATCH" }, stub.Calls.Select(c => c.Method).ToArray());
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public void WorkflowNamesBecomeValidKeys()
    {
        Assert.AreEqual("Image-policy-PR", GitHubPublisherOptions.KeyFrom("Image policy / PR"));
        Assert.AreEqual("ci.yml", GitHubPublisherOptions.KeyFrom("ci.yml"));
        Assert.AreEqual("default", GitHubPublisherOptions.KeyFrom(" --> "));
        Assert.AreEqual("default", GitHubPublisherOptions.KeyFrom(null));
        var longKey = GitHubPublisherOptions.KeyFrom(new string('w', 50) + " / " + new string('x', 50));
        Assert.IsLessThanOrEqualTo(GitHubPublisherOptions.MaxCommentKeyLength, longKey.Length);
        foreach (var key in new[] { "Image-policy-PR", longKey, GitHubPublisherOptions.KeyFrom("a -- b --> c") })
        {
            var publisher = (GitHubCommentPublisher)GitHubPublishers.Create(Context(new Uri("https://api.github.com")), Token, true, false,
                options: new GitHubPublisherOptions { CommentKey = key }).Single();
            Assert.AreEqual($"<!-- imagegate:comment key={key} -->", publisher.Marker);
        }
    }

    [TestMethod]
    public void KeysThatCouldBreakTheMarkerAreRefused()
    {
        foreach (var key in new[] { "", "two words", "a-->b", "x--y", new string('k', 65) })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => GitHubPublishers.Create(
                Context(new Uri("https://api.github.com")), Token, true, false, options: new GitHubPublisherOptions { CommentKey = key }));
            Assert.Contains("comment key", e.Message);
            Assert.DoesNotContain(Token, e.Message);
        }
    }

    [TestMethod]
    public async Task FindsItsCommentBeyondTheFirstPage()
    {
        await using var stub = new GitHubApiStub(Token);
        for (var i = 0; i < 250; i++)
        {
            stub.AddComment(7, $"comment {i}");
        }
        var mine = stub.AddComment(7, "<!-- imagegate:comment key=default -->\nold report", GitHubApiStub.ActionsBot);

        var outcome = await CommentPublisher(stub).PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsTrue(outcome.Published, string.Join("\n", outcome.Notices));
        CollectionAssert.AreEqual(
            new[] { $"GET {Comments}", $"GET {Comments}", $"GET {Comments}", $"PATCH /repos/octo-org/octo-repo/issues/comments/{mine}" },
            stub.Calls.Select(c => c.ToString()).ToArray());
        Assert.AreEqual(251, stub.CommentsOn(7).Count);
        Assert.Contains("require-signed", stub.CommentsOn(7)[^1].Body);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task ThePageBoundStopsTheSearchAndSaysSo()
    {
        await using var stub = new GitHubApiStub(Token);
        for (var i = 0; i < 250; i++)
        {
            stub.AddComment(7, $"comment {i}");
        }
        stub.AddComment(7, "<!-- imagegate:comment key=default -->\nold report", GitHubApiStub.ActionsBot);

        var outcome = await CommentPublisher(stub, options: new GitHubPublisherOptions { MaxCommentPages = 2 })
            .PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsTrue(outcome.Published);
        Assert.Contains("Only the first 200 comments", outcome.Notices[0]);
        CollectionAssert.AreEqual(new[] { "GET", "GET", "POST" }, stub.Calls.Select(c => c.Method).ToArray());
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task ALongReportIsCutToGitHubsLimitWithANote()
    {
        await using var stub = new GitHubApiStub(Token);
        var rows = string.Concat(Enumerable.Range(0, 3000).Select(i => $"| require-signed | registry.example/app{i}:1.0 | deploy/app.yaml:{i} | no valid signature |\n"));
        var outcome = await CommentPublisher(stub).PublishAsync(Request(Result(1), "## ImageGate\n\n| policy | image | where | why |\n|---|---|---|---|\n" + rows), CancellationToken.None);

        Assert.IsTrue(outcome.Published, string.Join("\n", outcome.Notices));
        var body = stub.CommentsOn(7).Single().Body;
        Assert.IsLessThanOrEqualTo(65_536, body.Length);
        Assert.IsGreaterThan(60_000, body.Length);
        Assert.StartsWith("<!-- imagegate:comment key=default -->", body);
        Assert.Contains("This report was cut to fit GitHub's limit of 65536 characters", body);
        Assert.Contains(HeadSha, body);
        Assert.IsTrue(body.Split('\n').Where(l => l.StartsWith('|')).All(l => l.EndsWith('|')), "no half table row");
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task AForkPullRequestIsSkippedWithANoticeAndNoRequest()
    {
        await using var stub = new GitHubApiStub(Token);
        var publishers = GitHubPublishers.Create(Context(stub.ApiUrl, fork: true), Token, comment: true, checkRun: true);
        Assert.HasCount(2, publishers);
        foreach (var publisher in publishers)
        {
            var outcome = await publisher.PublishAsync(Request(Result(1)), CancellationToken.None);
            Assert.IsFalse(outcome.Published);
            Assert.Contains("comes from a fork", outcome.Notices.Single());
        }
        Assert.IsEmpty(stub.Calls);
    }

    [TestMethod]
    public async Task AReadOnlyTokenBecomesANoticeNamingThePermission()
    {
        await using var stub = new GitHubApiStub(Token) { ReadOnlyToken = true };
        var outcome = await CommentPublisher(stub).PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsFalse(outcome.Published);
        var notice = outcome.Notices.Single();
        Assert.Contains("403", notice);
        Assert.Contains("Resource not accessible by integration", notice);
        Assert.Contains("pull-requests: write", notice);
        CollectionAssert.AreEqual(new[] { "GET", "POST" }, stub.Calls.Select(c => c.Method).ToArray());
        Assert.AreEqual(403, stub.Calls[1].Status);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task ARepositoryTheTokenCannotSeeBecomesANotice()
    {
        await using var stub = new GitHubApiStub(Token);
        var elsewhere = Context(stub.ApiUrl) with { Repository = "octo-org/private-repo" };
        var outcome = await GitHubPublishers.Create(elsewhere, Token, comment: true, checkRun: false).Single()
            .PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsFalse(outcome.Published);
        var notice = outcome.Notices.Single();
        Assert.StartsWith("GitHub refused listing the pull request's comments (404: ", notice);
        Assert.EndsWith("). The token needs the `pull-requests: write` permission: "
            + "add `permissions: pull-requests: write` to the job (fork pull requests get a read-only token and cannot be given it).", notice);
        Assert.AreEqual(404, stub.Calls.Single().Status);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task NoTokenOrNoPullRequestMeansANoticeOrNoPublisher()
    {
        await using var stub = new GitHubApiStub(Token);
        var outcome = await GitHubPublishers.Create(Context(stub.ApiUrl), null, comment: true, checkRun: false).Single()
            .PublishAsync(Request(Result(1)), CancellationToken.None);
        Assert.IsFalse(outcome.Published);
        Assert.Contains("no token", outcome.Notices.Single());

        var push = Context(stub.ApiUrl) with { PullRequest = null, EventName = "push" };
        Assert.IsEmpty(GitHubPublishers.Create(push, Token, comment: true, checkRun: false));
        Assert.IsEmpty(GitHubPublishers.Create(Context(stub.ApiUrl), Token, comment: false, checkRun: false));
        Assert.IsEmpty(stub.Calls);
    }

    [TestMethod]
    public async Task AnApiUrlWithoutPathIsNotGivenGhesPrefix()
    {
        // ghe.com's https://api.SUB.ghe.com has no /api/v3; GitHubClient's own Uri constructor would add it for any host
        // other than github.com. The stub serves at its root here, so a request under /api/v3 would be recorded as invalid.
        await using var stub = new GitHubApiStub(Token);
        Assert.AreEqual("/", stub.ApiUrl.AbsolutePath);
        var outcome = new List<PublishOutcome>();
        foreach (var publisher in GitHubPublishers.Create(Context(stub.ApiUrl), Token, comment: true, checkRun: true))
        {
            outcome.Add(await publisher.PublishAsync(Request(Result(1)), CancellationToken.None));
        }

        Assert.IsTrue(outcome.All(o => o.Published), string.Join("\n", outcome.SelectMany(o => o.Notices)));
        Assert.IsTrue(stub.Calls.All(c => c.Path.StartsWith("/repos/", StringComparison.Ordinal)));
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task GhesApiUrlWithATrailingSlashWorksToo()
    {
        await using var stub = new GitHubApiStub(Token, pathPrefix: "/api/v3");
        var outcome = await GitHubPublishers.Create(Context(new Uri(stub.ApiUrl.AbsoluteUri + "/")), Token, comment: true, checkRun: false).Single()
            .PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsTrue(outcome.Published, string.Join("\n", outcome.Notices));
        CollectionAssert.AreEqual(new[] { "GET", "POST" }, stub.Calls.Select(c => c.Method).ToArray());
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task GhesApiUrlWithItsPathPrefixIsUsedVerbatim()
    {
        await using var stub = new GitHubApiStub(Token, pathPrefix: "/api/v3");
        Assert.EndsWith("/api/v3", stub.ApiUrl.AbsoluteUri);
        var publisher = CommentPublisher(stub);
        var first = await publisher.PublishAsync(Request(Result(1)), CancellationToken.None);
        var second = await CommentPublisher(stub, "3333333333333333333333333333333333333333").PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.IsTrue(first.Published && second.Published, string.Join("\n", first.Notices.Concat(second.Notices)));
        Assert.AreEqual(OpenApiDescription.EnterpriseServer, stub.Description.Name);
        CollectionAssert.AreEqual(new[] { "GET", "POST", "GET", "PATCH" }, stub.Calls.Select(c => c.Method).ToArray());
        Assert.HasCount(1, stub.CommentsOn(7));
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }
}
