using ImageGate.Ci.GitHub.Api;
using ImageGate.Ci.Publishing;
using ImageGate.TestSupport.GitHubApi;
using static ImageGate.Ci.Tests.GitHubApi.GitHubApiTestRun;

namespace ImageGate.Ci.Tests.GitHubApi;

[TestClass]
public sealed class TokenSafetyTests
{
    private static async Task<IReadOnlyList<string>> NoticesOf(Uri apiUrl, string token)
    {
        var notices = new List<string>();
        foreach (var publisher in GitHubPublishers.Create(Context(apiUrl), token, comment: true, checkRun: true))
        {
            var outcome = await publisher.PublishAsync(Request(Result(1)), CancellationToken.None);
            Assert.IsFalse(outcome.Published, publisher.Name);
            notices.AddRange(outcome.Notices);
        }
        return notices;
    }

    [TestMethod]
    public async Task NoFailureEverNamesTheToken()
    {
        var notices = new List<string>();
        await using (var stub = new GitHubApiStub("a-different-token"))
        {
            var rejected = await NoticesOf(stub.ApiUrl, Token);
            Assert.IsTrue(rejected.All(n => n.Contains("401", StringComparison.Ordinal)), string.Join("\n", rejected));
            Assert.IsTrue(stub.Calls.All(c => c.Status == 401));
            Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
            notices.AddRange(rejected);
        }
        await using (var stub = new GitHubApiStub(Token) { ReadOnlyToken = true })
        {
            notices.AddRange(await NoticesOf(stub.ApiUrl, Token));
            Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
        }
        // Nothing listens on port 9 of the loopback interface: a network failure, not an API answer.
        var unreachable = await NoticesOf(new Uri("http://127.0.0.1:9"), Token);
        Assert.IsTrue(unreachable.All(n => n.Contains("Could not reach", StringComparison.Ordinal)), string.Join("\n", unreachable));
        notices.AddRange(unreachable);

        Assert.HasCount(6, notices);
        foreach (var notice in notices)
        {
            Assert.DoesNotContain(Token, notice);
            Assert.DoesNotContain("ghs_", notice);
        }
    }

    [TestMethod]
    public async Task TheTokenGoesOnlyIntoTheAuthorizationHeader()
    {
        await using var stub = new GitHubApiStub(Token);
        var seen = new List<HttpRequestMessage>();
        using var handler = new RecordingHandler(seen);
        await GitHubPublishers.Create(Context(stub.ApiUrl), Token, comment: true, checkRun: false, handler: handler).Single()
            .PublishAsync(Request(Result(1)), CancellationToken.None);

        Assert.HasCount(2, seen, "the given handler carries every request");
        foreach (var request in seen)
        {
            Assert.AreEqual($"Bearer {Token}", request.Headers.Authorization?.ToString());
            Assert.DoesNotContain(Token, request.RequestUri!.AbsoluteUri);
        }
        Assert.IsTrue(stub.Calls.All(c => c.Body?.ToJsonString().Contains(Token, StringComparison.Ordinal) != true));
        Assert.IsEmpty(stub.Errors, string.Join("\n", stub.Errors));
    }

    private sealed class RecordingHandler(List<HttpRequestMessage> seen) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
