using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ImageGate.TestSupport.GitHubApi;

namespace ImageGate.Ci.Tests.GitHubApi;

/// <summary>The stub's validation must catch what GitHub's description forbids, or the publisher tests prove nothing.</summary>
[TestClass]
public sealed class GitHubApiStubTests
{
    private const string Token = "stub-test-token";
    private const string Runs = "/repos/octo-org/octo-repo/check-runs";

    private static async Task<HttpStatusCode> SendAsync(GitHubApiStub stub, string method, string path, string? json,
        string contentType = "application/json", bool authorize = true)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), stub.ApiUrl.AbsoluteUri.TrimEnd('/') + path);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("stub-test", "1"));
        if (authorize)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static string Annotations(int n) =>
        "[" + string.Join(",", Enumerable.Range(1, n).Select(i => $"{{\"path\":\"a.yaml\",\"start_line\":{i},\"end_line\":{i},\"annotation_level\":\"failure\",\"message\":\"m\"}}")) + "]";

    [TestMethod]
    public void TheDescriptionIsGitHubsOwn()
    {
        var dotcom = OpenApiDescription.Load();
        Assert.IsGreaterThan(800, dotcom.OperationCount);
        Assert.AreEqual("issues/update-comment", dotcom.Match("PATCH", "/repos/o/r/issues/comments/12")!.OperationId);
        Assert.AreEqual("issues/create-comment", dotcom.Match("POST", "/repos/o/r/issues/12/comments")!.OperationId);
        Assert.AreEqual("checks/update", dotcom.Match("PATCH", "/repos/o/r/check-runs/5")!.OperationId);
        Assert.IsNull(dotcom.Match("PATCH", "/repos/o/r/issues/12/comments"));
        Assert.IsGreaterThan(500, OpenApiDescription.Load(OpenApiDescription.EnterpriseServer).OperationCount);

        // Responses are held to the response schemas too: a comment without its user is not one GitHub sends.
        using var partial = System.Text.Json.JsonDocument.Parse("{\"id\":1,\"node_id\":\"x\",\"url\":\"u\",\"html_url\":\"h\",\"issue_url\":\"i\",\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"not a time\"}");
        var errors = new List<string>();
        var schema = dotcom.Root.GetProperty("components").GetProperty("schemas").GetProperty("issue-comment");
        dotcom.Schemas.Validate(partial.RootElement, schema, "response", errors);
        CollectionAssert.AreEquivalent(new[] { "response: required property 'user' is missing", "response/updated_at: 'not a time' is not a date-time" }, errors);
    }

    [TestMethod]
    public async Task AValidRequestLeavesNoError()
    {
        await using var stub = new GitHubApiStub(Token);
        var status = await SendAsync(stub, "POST", Runs, $"{{\"name\":\"n\",\"head_sha\":\"abc\",\"output\":{{\"title\":\"t\",\"summary\":\"s\",\"annotations\":{Annotations(50)}}}}}");
        Assert.AreEqual(HttpStatusCode.Created, status);
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    [TestMethod]
    public async Task SchemaViolationsAreRecorded()
    {
        await using var stub = new GitHubApiStub(Token);
        var cases = new (string Method, string Path, string? Json, string Expected)[]
        {
            ("POST", Runs, $"{{\"name\":\"n\",\"head_sha\":\"abc\",\"output\":{{\"title\":\"t\",\"summary\":\"s\",\"annotations\":{Annotations(51)}}}}}", "51 items, at most 50"),
            ("POST", Runs, "{\"name\":\"n\"}", "required property 'head_sha' is missing"),
            ("POST", Runs, "{\"name\":\"n\",\"head_sha\":\"abc\",\"status\":\"done\"}", "is not one of"),
            ("POST", Runs, "{\"name\":\"n\",\"head_sha\":\"abc\",\"output\":{\"title\":\"t\",\"summary\":\"s\",\"annotations\":[{\"path\":\"a\",\"start_line\":\"1\",\"end_line\":1,\"annotation_level\":\"failure\",\"message\":\"m\"}]}}", "expected integer, got string"),
            ("PATCH", Runs + "/1", "{\"status\":\"completed\"}", "matches none of the anyOf branches"),
            ("POST", "/repos/octo-org/octo-repo/issues/7/comments", "{\"bodyy\":\"x\"}", "property 'bodyy' is not declared"),
            ("POST", "/repos/octo-org/octo-repo/issues/7/comments", "[1]", "expected object, got array"),
            ("GET", "/repos/octo-org/octo-repo/issues/7/comments?sort=created", null, "query parameter 'sort' is not declared"),
            ("GET", "/repos/octo-org/octo-repo/issues/seven/comments", null, "path parameter 'issue_number' = 'seven'"),
            ("PUT", "/repos/octo-org/octo-repo/issues/7/comments", "{}", "no operation in api.github.com.json for PUT"),
            ("DELETE", "/repos/octo-org/octo-repo/issues/comments/1", null, "not implemented by the stub"),
        };
        foreach (var (method, path, json, expected) in cases)
        {
            var before = stub.Errors.Count;
            await SendAsync(stub, method, path, json);
            var added = stub.Errors.Skip(before).ToArray();
            Assert.IsTrue(added.Any(e => e.Contains(expected, StringComparison.Ordinal)), $"{method} {path}: expected '{expected}', got: {string.Join(" / ", added)}");
        }
    }

    [TestMethod]
    public async Task HeadersAndMediaTypesAreChecked()
    {
        await using var stub = new GitHubApiStub(Token);
        Assert.AreEqual(HttpStatusCode.Unauthorized, await SendAsync(stub, "GET", "/repos/octo-org/octo-repo/issues/7/comments", null, authorize: false));
        await SendAsync(stub, "POST", "/repos/octo-org/octo-repo/issues/7/comments", "{\"body\":\"x\"}", "application/x-www-form-urlencoded");
        Assert.HasCount(2, stub.Errors);
        Assert.Contains("Authorization header missing", stub.Errors[0]);
        Assert.Contains("Content-Type 'application/x-www-form-urlencoded'", stub.Errors[1]);
    }

    [TestMethod]
    public async Task GhesStyleServesOnlyUnderItsPrefix()
    {
        await using var stub = new GitHubApiStub(Token, pathPrefix: "/api/v3");
        var outside = new Uri(stub.ApiUrl, "/repos/octo-org/octo-repo/issues/7/comments");
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, outside);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("stub-test", "1"));
        using var response = await client.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("outside the API prefix", stub.Errors.Single());
    }

    [TestMethod]
    public async Task ListingPagesWithLinkHeaders()
    {
        await using var stub = new GitHubApiStub(Token);
        for (var i = 0; i < 5; i++)
        {
            stub.AddComment(3, $"c{i}");
        }
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, stub.ApiUrl.AbsoluteUri.TrimEnd('/') + "/repos/octo-org/octo-repo/issues/3/comments?per_page=2&page=2");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("stub-test", "1"));
        request.Headers.Authorization = new AuthenticationHeaderValue("token", Token);
        using var response = await client.SendAsync(request);
        var link = string.Join(",", response.Headers.GetValues("Link"));
        Assert.Contains("page=3>; rel=\"next\"", link);
        Assert.Contains("page=1>; rel=\"prev\"", link);
        Assert.Contains("page=3>; rel=\"last\"", link);
        Assert.Contains("\"c2\"", await response.Content.ReadAsStringAsync());
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }
}
