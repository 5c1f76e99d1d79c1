using System.Text.Json;
using ImageGate.Ci.AzureDevOps;
using ImageGate.Ci.Publishing;
using ImageGate.Reporting;
using ImageGate.TestSupport.AzureDevOpsApi;

namespace ImageGate.Ci.Tests.AzureDevOps;

[TestClass]
public sealed class AzureDevOpsPublisherTests
{
    private const string Token = "ado-job-token-8f3c2e1d9b";
    private const string TF401027 =
        "TF401027: You need the Git 'PullRequestContribute' permission to perform this action. Details: identity 'Build\\5e7c1d2a', scope 'repository'.";

    public TestContext TestContext { get; set; } = null!;

    private static Finding Finding(Outcome result, ValidationAction action = ValidationAction.Deny, string name = "web") => new()
    {
        Policy = "require-signed-images",
        Resource = new ResourceRef("apps/v1", "Deployment", "shop", name) { Span = new SourceSpan("deploy/web.yaml", 12, 3) },
        Result = result,
        Actions = [action],
        Message = result == Outcome.Pass ? "success" : "image registry.example/web:1.2 is not signed by the release key",
    };

    private static RunResult Failing => new([Finding(Outcome.Fail), Finding(Outcome.Pass, name: "api")]);
    private static RunResult Clean => new([Finding(Outcome.Pass), Finding(Outcome.Pass, name: "api")]);

    private static AzureDevOpsContext Context(AzureDevOpsApiStub stub, Action<Dictionary<string, string>>? change = null)
    {
        var env = stub.Environment();
        change?.Invoke(env);
        return AzureDevOpsContext.FromEnvironment(name => env.GetValueOrDefault(name));
    }

    private static IRunPublisher Thread(AzureDevOpsContext context, AzureDevOpsPublisherOptions? options = null) =>
        AzureDevOpsPublishers.Create(context, thread: true, status: false, options: options).Single();

    private static IRunPublisher Status(AzureDevOpsContext context, FailOn failOn = FailOn.Deny) =>
        AzureDevOpsPublishers.Create(context, thread: false, status: true,
            options: new AzureDevOpsPublisherOptions { Report = new ReportOptions { FailOn = failOn } }).Single();

    private static void AssertNoToken(PublishOutcome outcome)
    {
        foreach (var notice in outcome.Notices)
        {
            Assert.DoesNotContain(Token, notice);
        }
    }

    [TestMethod]
    public void Context_reads_the_agent_variables_and_builds_the_pull_request_url()
    {
        var env = new Dictionary<string, string>
        {
            ["TF_BUILD"] = "True",
            ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/contoso",
            ["SYSTEM_TEAMPROJECT"] = "Fabrikam Web",
            ["BUILD_REPOSITORY_ID"] = "b92c8408-a0c9-4292-88af-bc005a1b8272",
            ["BUILD_REPOSITORY_PROVIDER"] = "TfsGit",
            ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "17",
            ["BUILD_BUILDID"] = "99",
        };
        var context = AzureDevOpsContext.FromEnvironment(n => env.GetValueOrDefault(n));
        Assert.IsTrue(context.IsPipeline);
        Assert.AreEqual(17, context.PullRequestId);
        Assert.AreEqual(
            "https://dev.azure.com/contoso/Fabrikam%20Web/_apis/git/repositories/b92c8408-a0c9-4292-88af-bc005a1b8272/pullRequests/17",
            context.PullRequestApiUri!.AbsoluteUri);
        Assert.AreEqual("https://dev.azure.com/contoso/Fabrikam%20Web/_build/results?buildId=99", context.BuildResultsUri!.AbsoluteUri);
        Assert.IsNull(context.AccessToken);
    }

    [TestMethod]
    public void Context_rejects_a_malformed_pull_request_id_and_collection_url()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            AzureDevOpsContext.FromEnvironment(n => n == "SYSTEM_PULLREQUEST_PULLREQUESTID" ? "17; rm" : null));
        StringAssert.Contains(e.Message, "SYSTEM_PULLREQUEST_PULLREQUESTID");
        e = Assert.ThrowsExactly<InvalidDataException>(() =>
            AzureDevOpsContext.FromEnvironment(n => n == "SYSTEM_COLLECTIONURI" ? "file:///etc/" : null));
        StringAssert.Contains(e.Message, "SYSTEM_COLLECTIONURI");
    }

    [TestMethod]
    public async Task Thread_is_created_once_then_its_first_comment_is_edited_in_place()
    {
        await using var stub = new AzureDevOpsApiStub(Token);
        // Someone else's thread on the same pull request is left alone.
        stub.AddThread("Looks good to me");
        var publisher = Thread(Context(stub));

        var first = await publisher.PublishAsync(new PublishRequest(Failing, "## ImageGate\n\n1 blocking finding", null), TestContext.CancellationToken);
        Assert.IsTrue(first.Published, string.Join("\n", first.Notices));
        Assert.HasCount(2, stub.Threads);
        var own = stub.Threads[1];
        Assert.AreEqual("active", own.Status);
        Assert.AreEqual("default", own.Properties[AzureDevOpsPublisherOptions.ThreadMarkerProperty]);
        Assert.AreEqual("## ImageGate\n\n1 blocking finding", own.Comments.Single().Content);
        Assert.AreEqual("text", own.Comments.Single().CommentType);

        var second = await publisher.PublishAsync(new PublishRequest(Clean, "## ImageGate\n\nall images verified", null), TestContext.CancellationToken);
        Assert.IsTrue(second.Published, string.Join("\n", second.Notices));
        Assert.HasCount(2, stub.Threads, "no second thread");
        Assert.AreEqual("## ImageGate\n\nall images verified", own.Comments.Single().Content);
        Assert.AreEqual("fixed", own.Status, "a clean run resolves the thread");
        Assert.AreEqual("Looks good to me", stub.Threads[0].Comments.Single().Content);

        Assert.IsEmpty(stub.Violations, string.Join("\n", stub.Violations));
        CollectionAssert.AreEqual(
            new[] { "GET threads", "POST threads", "GET threads", "PATCH threads/2/comments/2", "PATCH threads/2" },
            stub.Requests.Select(r => r.Method + " " + r.Path[(r.Path.IndexOf("/pullRequests/42/", StringComparison.Ordinal) + 17)..]).ToArray());
        foreach (var request in stub.Requests)
        {
            Assert.AreEqual("7.1", request.Query["api-version"].Single());
            Assert.AreEqual("Bearer " + Token, request.Header("Authorization"));
        }
    }

    [TestMethod]
    public async Task Thread_status_is_left_alone_when_it_does_not_change()
    {
        await using var stub = new AzureDevOpsApiStub(Token);
        stub.AddThread("old report", "active", new Dictionary<string, string> { [AzureDevOpsPublisherOptions.ThreadMarkerProperty] = "default" });
        var outcome = await Thread(Context(stub)).PublishAsync(new PublishRequest(Failing, "new report", null), TestContext.CancellationToken);
        Assert.IsTrue(outcome.Published);
        Assert.AreEqual("new report", stub.Threads[0].Comments[0].Content);
        Assert.HasCount(2, stub.Requests, "list and edit only");
        Assert.IsEmpty(stub.Violations, string.Join("\n", stub.Violations));
    }

    [TestMethod]
    public async Task Thread_key_separates_two_pipelines_on_one_pull_request()
    {
        await using var stub = new AzureDevOpsApiStub(Token);
        stub.AddThread("other pipeline", "active", new Dictionary<string, string> { [AzureDevOpsPublisherOptions.ThreadMarkerProperty] = "nightly" });
        var outcome = await Thread(Context(stub), new AzureDevOpsPublisherOptions { ThreadKey = "pr" })
            .PublishAsync(new PublishRequest(Failing, "pr report", null), TestContext.CancellationToken);
        Assert.IsTrue(outcome.Published);
        Assert.HasCount(2, stub.Threads);
        Assert.AreEqual("other pipeline", stub.Threads[0].Comments[0].Content);
        Assert.AreEqual("pr", stub.Threads[1].Properties[AzureDevOpsPublisherOptions.ThreadMarkerProperty]);
    }

    [TestMethod]
    public async Task A_long_report_is_shortened_with_a_note()
    {
        await using var stub = new AzureDevOpsApiStub(Token);
        var markdown = string.Join('\n', Enumerable.Range(0, 5000).Select(i => $"| web-{i} | deploy/web.yaml:{i} | not signed |"));
        var outcome = await Thread(Context(stub), new AzureDevOpsPublisherOptions { MaxCommentChars = 10_000 })
            .PublishAsync(new PublishRequest(Failing, markdown, null), TestContext.CancellationToken);
        Assert.IsTrue(outcome.Published);
        var content = stub.Threads.Single().Comments.Single().Content;
        Assert.IsLessThanOrEqualTo(10_000, content.Length);
        StringAssert.EndsWith(content, "_The report is shortened here; the build's SARIF artifact lists every finding._\n");
        StringAssert.StartsWith(content, "| web-0 |");
    }

    [TestMethod]
    [DataRow(403)]
    [DataRow(401)]
    public async Task Refusal_becomes_a_notice_naming_the_permission_without_the_token(int status)
    {
        await using var stub = new AzureDevOpsApiStub(Token) { Refuse = ("POST", "threads", status, TF401027) };
        var outcome = await Thread(Context(stub)).PublishAsync(new PublishRequest(Failing, "report", null), TestContext.CancellationToken);
        Assert.IsFalse(outcome.Published);
        var notice = outcome.Notices.Single();
        StringAssert.Contains(notice, $"refused to create the pull-request thread (HTTP {status})");
        StringAssert.Contains(notice, "Contribute to pull requests");
        StringAssert.Contains(notice, "TF401027");
        AssertNoToken(outcome);
        Assert.IsEmpty(stub.Threads);
    }

    [TestMethod]
    public async Task Status_refusal_becomes_the_same_notice()
    {
        await using var stub = new AzureDevOpsApiStub(Token) { Refuse = ("POST", "statuses", 403, TF401027) };
        var outcome = await Status(Context(stub)).PublishAsync(new PublishRequest(Failing, "report", null), TestContext.CancellationToken);
        Assert.IsFalse(outcome.Published);
        StringAssert.Contains(outcome.Notices.Single(), "refused to set the pull-request status (HTTP 403)");
        StringAssert.Contains(outcome.Notices.Single(), "Contribute to pull requests");
        AssertNoToken(outcome);
    }

    [TestMethod]
    public async Task A_wrong_token_is_refused_by_the_service_and_never_echoed()
    {
        await using var stub = new AzureDevOpsApiStub("the-right-token");
        var context = Context(stub, env => env["SYSTEM_ACCESSTOKEN"] = Token);
        var outcome = await Thread(context).PublishAsync(new PublishRequest(Failing, "report", null), TestContext.CancellationToken);
        Assert.IsFalse(outcome.Published);
        StringAssert.Contains(outcome.Notices.Single(), "HTTP 401");
        AssertNoToken(outcome);
        Assert.HasCount(1, stub.Violations, "the stub saw a bad token");
    }

    [TestMethod]
    public async Task A_server_message_carrying_the_token_is_scrubbed()
    {
        await using var stub = new AzureDevOpsApiStub(Token) { Refuse = ("GET", "threads", 500, "internal error for request with token " + Token) };
        var outcome = await Thread(Context(stub)).PublishAsync(new PublishRequest(Failing, "report", null), TestContext.CancellationToken);
        Assert.IsFalse(outcome.Published);
        StringAssert.Contains(outcome.Notices.Single(), "could not list the pull-request threads: HTTP 500");
        StringAssert.Contains(outcome.Notices.Single(), "***");
        AssertNoToken(outcome);
    }

    [TestMethod]
    public async Task Status_state_follows_the_exit_code_and_fail_on()
    {
        await using var stub = new AzureDevOpsApiStub(Token);
        var context = Context(stub);
        var warnOnly = new RunResult([Finding(Outcome.Fail, ValidationAction.Warn), Finding(Outcome.Pass, name: "api")]);
        var inputError = new RunResult([], [new Diagnostic(DiagnosticLevel.Error, "policies/bad.yaml:3: unknown field")]);
        var cases = new (RunResult Result, FailOn FailOn, string State, string Description)[]
        {
            (Failing, FailOn.Deny, "failed", "1 blocking finding(s); 1 passed"),
            (Clean, FailOn.Deny, "succeeded", "no blocking findings; 2 passed"),
            (warnOnly, FailOn.Deny, "succeeded", "no blocking findings; 1 passed, 1 not blocking"),
            (warnOnly, FailOn.Warn, "failed", "1 blocking finding(s); 1 passed"),
            (Failing, FailOn.Never, "succeeded", "no blocking findings; 1 passed, 1 not blocking"),
            (inputError, FailOn.Deny, "error", "1 input error(s): see the build log"),
        };
        foreach (var c in cases)
        {
            var outcome = await Status(context, c.FailOn).PublishAsync(new PublishRequest(c.Result, "", null), TestContext.CancellationToken);
            Assert.IsTrue(outcome.Published, string.Join("\n", outcome.Notices));
            var posted = stub.Statuses[^1];
            Assert.AreEqual(c.State, posted.State, c.Description);
            Assert.AreEqual(c.Description, posted.Description);
            Assert.AreEqual("imagegate", posted.Genre);
            Assert.AreEqual("image-verification", posted.Name);
            Assert.AreEqual(stub.CollectionUri.AbsoluteUri + stub.Project + "/_build/results?buildId=1234", posted.TargetUrl);
        }
        Assert.IsEmpty(stub.Violations, string.Join("\n", stub.Violations));
        using var body = JsonDocument.Parse(stub.Requests[0].BodyText);
        CollectionAssert.AreEquivalent(new[] { "state", "description", "context", "targetUrl" },
            body.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [TestMethod]
    public async Task Stub_refuses_what_the_service_refuses()
    {
        await using var stub = new AzureDevOpsApiStub(Token);
        using var http = new HttpClient();
        var url = Context(stub).PullRequestApiUri!.AbsoluteUri;
        async Task<int> Send(string method, string path, string? json, string? version = "7.1", string? token = Token)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url + "/" + path + (version is null ? "" : "?api-version=" + version));
            if (token is not null) request.Headers.Authorization = new("Bearer", token);
            if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request, TestContext.CancellationToken);
            return (int)response.StatusCode;
        }
        Assert.AreEqual(400, await Send("GET", "threads", null, version: null));
        Assert.AreEqual(400, await Send("GET", "threads", null, version: "7.1-preview.1"));
        Assert.AreEqual(401, await Send("GET", "threads", null, token: null));
        Assert.AreEqual(400, await Send("POST", "statuses", """{"state":"passed","context":{"name":"x"}}"""));
        Assert.AreEqual(400, await Send("POST", "statuses", """{"state":"succeeded","context":{"genre":"x"}}"""));
        Assert.AreEqual(400, await Send("POST", "statuses", """{"state":"succeeded","context":{"name":"x"},"status":"ok"}"""));
        Assert.AreEqual(400, await Send("POST", "threads", """{"comments":[{"content":"x","commentType":"markdown"}]}"""));
        Assert.AreEqual(400, await Send("POST", "threads", """{"comments":[],"status":1}"""));
        Assert.AreEqual(400, await Send("POST", "threads", """{"comments":[{"content":"x"}],"status":"resolved"}"""));
        Assert.AreEqual(200, await Send("POST", "threads", """{"comments":[{"parentCommentId":0,"content":"x","commentType":1}],"status":1}"""));
        Assert.AreEqual(400, await Send("PATCH", "threads/1/comments/1", """{"text":"y"}"""));
        Assert.AreEqual(404, await Send("PATCH", "threads/9/comments/1", """{"content":"y"}"""));
        Assert.AreEqual(200, await Send("PATCH", "threads/1/comments/1", """{"content":"y"}"""));
        Assert.AreEqual(200, await Send("POST", "statuses", """{"state":"failed","context":{"name":"x","genre":"g"}}"""));
        Assert.HasCount(10, stub.Violations, string.Join("\n", stub.Violations));
    }

    [TestMethod]
    public async Task Without_pull_request_token_or_azure_repos_nothing_is_sent()
    {
        await using var stub = new AzureDevOpsApiStub(Token);
        var noToken = Context(stub, env => env.Remove("SYSTEM_ACCESSTOKEN"));
        var outcome = await Status(noToken).PublishAsync(new PublishRequest(Failing, "", null), TestContext.CancellationToken);
        Assert.IsFalse(outcome.Published);
        StringAssert.Contains(outcome.Notices.Single(), "SYSTEM_ACCESSTOKEN: $(System.AccessToken)");

        var github = Context(stub, env => env["BUILD_REPOSITORY_PROVIDER"] = "GitHub");
        outcome = await Thread(github).PublishAsync(new PublishRequest(Failing, "", null), TestContext.CancellationToken);
        StringAssert.Contains(outcome.Notices.Single(), "on GitHub, not Azure Repos");

        var ci = Context(stub, env => env.Remove("SYSTEM_PULLREQUEST_PULLREQUESTID"));
        Assert.IsEmpty(AzureDevOpsPublishers.Create(ci, thread: true, status: true), "no publisher outside pull requests");
        using var http = new HttpClient();
        outcome = await new AzureDevOpsStatusPublisher(ci, http).PublishAsync(new PublishRequest(Failing, "", null), TestContext.CancellationToken);
        StringAssert.Contains(outcome.Notices.Single(), "not a pull-request build");

        Assert.IsEmpty(stub.Requests);
    }

    [TestMethod]
    public async Task An_unreachable_service_is_a_notice_not_an_exception()
    {
        Uri collection;
        await using (var stub = new AzureDevOpsApiStub(Token))
        {
            collection = stub.CollectionUri;
        }
        var env = new Dictionary<string, string>
        {
            ["SYSTEM_COLLECTIONURI"] = collection.AbsoluteUri,
            ["SYSTEM_TEAMPROJECTID"] = "p",
            ["BUILD_REPOSITORY_ID"] = "r",
            ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "1",
            ["SYSTEM_ACCESSTOKEN"] = Token,
        };
        var context = AzureDevOpsContext.FromEnvironment(n => env.GetValueOrDefault(n));
        var outcome = await Thread(context).PublishAsync(new PublishRequest(Failing, "report", null), TestContext.CancellationToken);
        Assert.IsFalse(outcome.Published);
        StringAssert.StartsWith(outcome.Notices.Single(), "Azure DevOps could not list the pull-request threads:");
        AssertNoToken(outcome);
    }
}
