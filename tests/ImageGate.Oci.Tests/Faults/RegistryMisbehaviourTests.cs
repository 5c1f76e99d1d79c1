using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.Oci.Tests.Faults;

/// <summary>Registries that misbehave on purpose: trickling bytes, resetting connections, redirecting in loops or to
/// other hosts, lying about digests, serving enormous referrer lists. Each ends in a bounded, clear error naming the
/// image and the registry, never a result; credentials never reach a host other than the registry.</summary>
[TestClass]
public sealed class RegistryMisbehaviourTests
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const string IndexType = "application/vnd.oci.image.index.v1+json";
    private static readonly string Password = KnownSecrets.All.Single(s => s.Name == "fault suite registry password").Value;

    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes(
        "{\"schemaVersion\":2,\"mediaType\":\"" + ManifestType + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\"," +
        "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[]}");

    private static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static RegistryClient Client(string host, ICredentialSource? credentials = null, TimeSpan? attempt = null) => new(new RegistryClientOptions
    {
        MaxAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        AttemptTimeout = attempt ?? TimeSpan.FromSeconds(2),
        OperationDeadline = TimeSpan.FromSeconds(20),
        InsecureRegistries = new HashSet<string> { host },
        Credentials = credentials ?? AnonymousCredentials.Instance,
    });

    private static ImageReference Image(string host) => ImageReference.Parse($"{host}/demo/app:v1");

    private static void AssertNamesImageAndRegistry(RegistryException e, string host)
    {
        StringAssert.Contains(e.Message, $"{host}/demo/app");
        StringAssert.Contains(e.Message, $"(registry {host})");
    }

    private static LoopbackResponse ManifestResponse(byte[] body) =>
        new LoopbackResponse(200, body).WithHeader("Content-Type", ManifestType).WithHeader("Docker-Content-Digest", DigestOf(body));

    [TestMethod]
    public async Task BodyTrickledByteByByteIsCutByTheAttemptTimeout()
    {
        await using var server = new RawTcpServer(async (socket, ct) =>
        {
            await RawTcpServer.ReadHeadAsync(socket, ct);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {ManifestType}\r\nContent-Length: {Manifest.Length}\r\n\r\n"), ct);
            foreach (var b in Manifest)
            {
                await socket.SendAsync(new[] { b }, ct);
                await Task.Delay(200, ct);
            }
        });
        using var client = Client(server.Host, attempt: TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Image(server.Host)));
        Assert.AreEqual(RegistryErrorKind.Timeout, e.Kind, e.Message);
        AssertNamesImageAndRegistry(e, server.Host);
        Assert.IsLessThan(15_000L, watch.ElapsedMilliseconds, $"took {watch.ElapsedMilliseconds} ms");
        Assert.AreEqual(3, server.Connections, "one connection per attempt");
    }

    [TestMethod]
    public async Task HeadersTrickledByteByByteAreCutByTheAttemptTimeout()
    {
        await using var server = new RawTcpServer(async (socket, ct) =>
        {
            await RawTcpServer.ReadHeadAsync(socket, ct);
            foreach (var b in Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nX-Slow: " + new string('a', 1000)))
            {
                await socket.SendAsync(new[] { b }, ct);
                await Task.Delay(50, ct);
            }
        });
        using var client = Client(server.Host, attempt: TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Image(server.Host)));
        Assert.AreEqual(RegistryErrorKind.Timeout, e.Kind, e.Message);
        AssertNamesImageAndRegistry(e, server.Host);
        Assert.IsLessThan(15_000L, watch.ElapsedMilliseconds);
    }

    [TestMethod]
    public async Task ResetConnectionsEndAfterBoundedRetries()
    {
        await using var server = new RawTcpServer(async (socket, ct) =>
        {
            await RawTcpServer.ReadHeadAsync(socket, ct);
            socket.LingerState = new LingerOption(true, 0); // closing now sends RST
            socket.Close();
        });
        using var client = Client(server.Host);
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Image(server.Host)));
        Assert.AreEqual(RegistryErrorKind.Transport, e.Kind, e.Message);
        AssertNamesImageAndRegistry(e, server.Host);
        StringAssert.Contains(e.Message, "gave up after 3 attempts");
        Assert.IsLessThan(15_000L, watch.ElapsedMilliseconds);
    }

    [TestMethod]
    public async Task ConnectionResetInTheMiddleOfTheBodyIsAnError()
    {
        await using var server = new RawTcpServer(async (socket, ct) =>
        {
            await RawTcpServer.ReadHeadAsync(socket, ct);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {ManifestType}\r\nContent-Length: {Manifest.Length}\r\n\r\n"), ct);
            await socket.SendAsync(Manifest.AsMemory(0, 20), ct);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        });
        using var client = Client(server.Host);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Image(server.Host)));
        Assert.AreEqual(RegistryErrorKind.Transport, e.Kind, e.Message);
        AssertNamesImageAndRegistry(e, server.Host);
    }

    [TestMethod]
    public async Task GarbageInsteadOfHttpIsAnError()
    {
        await using var server = new RawTcpServer(async (socket, ct) =>
        {
            await RawTcpServer.ReadHeadAsync(socket, ct);
            await socket.SendAsync(RandomNumberGenerator.GetBytes(4096), ct);
        });
        using var client = Client(server.Host);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Image(server.Host)));
        AssertNamesImageAndRegistry(e, server.Host);
    }

    [TestMethod]
    public async Task RedirectLoopEndsAfterBoundedHops()
    {
        LoopbackHttpServer? server = null;
        server = new LoopbackHttpServer(r => Task.FromResult(new LoopbackResponse(307, []).WithHeader("Location", $"http://{server!.Authority}{r.Target}?again")));
        await using var _ = server;
        using var client = Client(server.Authority);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Image(server.Authority)));
        StringAssert.Contains(e.Message, "was redirected more than 5 times");
        AssertNamesImageAndRegistry(e, server.Authority);
        Assert.IsLessThanOrEqualTo(3 * 6, server.Requests.Count, $"{server.Requests.Count} requests");
    }

    [TestMethod]
    public async Task RedirectToAnotherHostDoesNotCarryCredentials()
    {
        await using var storage = new LoopbackHttpServer(r => Task.FromResult(ManifestResponse(Manifest)));
        await using var registry = new LoopbackHttpServer(r => Task.FromResult(r.Header("Authorization") is null
            ? LoopbackResponse.Text(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}").WithHeader("WWW-Authenticate", "Basic realm=\"registry\"")
            : new LoopbackResponse(307, []).WithHeader("Location", $"http://{storage.Authority}/blob-store/manifest?signed=1")));
        var credentials = new StaticCredentials(new Dictionary<string, RegistryCredential> { [registry.Authority] = RegistryCredential.Basic("ci", Password) });
        using var client = Client(registry.Authority, credentials);

        var manifest = await client.GetManifestAsync(Image(registry.Authority));

        Assert.AreEqual(DigestOf(Manifest), manifest.Descriptor.Digest);
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ci:" + Password));
        Assert.IsTrue(registry.Requests.Any(r => r.Header("Authorization") == basic), "the registry itself receives the credentials");
        Assert.IsNotEmpty(storage.Requests);
        foreach (var request in storage.Requests)
        {
            Assert.IsNull(request.Header("Authorization"), $"the other host received Authorization on {request.Target}");
            Assert.DoesNotContain(Password, string.Join("\n", request.Headers.Select(h => h.Key + ": " + h.Value)) + request.Target + request.BodyText);
        }
    }

    [TestMethod]
    public async Task ChallengeFromTheRedirectTargetDoesNotHarvestCredentials()
    {
        // The storage host answers 401 with its own token realm: the registry's credentials must not go there.
        LoopbackHttpServer? storage = null;
        storage = new LoopbackHttpServer(r => Task.FromResult(r.Path == "/token"
            ? LoopbackResponse.Text(200, "{\"token\":\"stolen\"}")
            : LoopbackResponse.Text(401, "{}").WithHeader("WWW-Authenticate", $"Bearer realm=\"http://{storage!.Authority}/token\",service=\"evil\",scope=\"repository:demo/app:pull\"")));
        await using var _ = storage;
        await using var registry = new LoopbackHttpServer(r => Task.FromResult(r.Header("Authorization") is null
            ? LoopbackResponse.Text(401, "{}").WithHeader("WWW-Authenticate", "Basic realm=\"registry\"")
            : new LoopbackResponse(307, []).WithHeader("Location", $"http://{storage.Authority}/blob-store/manifest")));
        var credentials = new StaticCredentials(new Dictionary<string, RegistryCredential> { [registry.Authority] = RegistryCredential.Basic("ci", Password) });
        using var client = Client(registry.Authority, credentials);

        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Image(registry.Authority)));

        AssertNamesImageAndRegistry(e, registry.Authority);
        SecretOutputs.Record("faults: challenge from the redirect target", e.ToString());
        Assert.IsEmpty(KnownSecrets.FindIn(e.ToString()));
        foreach (var request in storage.Requests)
        {
            Assert.IsNull(request.Header("Authorization"), $"the other host received Authorization on {request.Target}");
        }
        Assert.IsFalse(storage.Requests.Any(r => r.Path == "/token"), "the registry's credentials were offered to the other host's token realm");
    }

    [TestMethod]
    public async Task ContentThatDoesNotMatchTheRequestedDigestIsNeverReturned()
    {
        var other = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Manifest).Replace("\"layers\":[]", "\"layers\":[],\"annotations\":{\"x\":\"y\"}"));
        await using var server = new LoopbackHttpServer(r => Task.FromResult(ManifestResponse(other).WithHeader("Docker-Content-Digest", DigestOf(Manifest))));
        using var client = Client(server.Authority);
        var image = ImageReference.Parse($"{server.Authority}/demo/app@{DigestOf(Manifest)}");
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(image));
        Assert.AreEqual(RegistryErrorKind.DigestMismatch, e.Kind, e.Message);
        StringAssert.Contains(e.Message, DigestOf(Manifest));
        StringAssert.Contains(e.Message, $"(registry {server.Authority})");
    }

    [TestMethod]
    public async Task DigestHeaderThatLiesAboutATaggedManifestIsNotBelieved()
    {
        var fake = "sha256:" + new string('a', 64);
        await using var server = new LoopbackHttpServer(r => Task.FromResult(ManifestResponse(Manifest).WithHeader("Docker-Content-Digest", fake)));
        using var client = Client(server.Authority);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Image(server.Authority)));
        Assert.AreEqual(RegistryErrorKind.DigestMismatch, e.Kind, e.Message);
        StringAssert.Contains(e.Message, $"does not match the Docker-Content-Digest header {fake}");
        StringAssert.Contains(e.Message, DigestOf(Manifest));
        AssertNamesImageAndRegistry(e, server.Authority);
    }

    [TestMethod]
    public async Task ReferrersIndexOfAHundredThousandEntriesIsRefused()
    {
        var subject = DigestOf(Manifest);
        var index = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + IndexType + "\",\"manifests\":[");
        for (var i = 0; i < 100_000; i++)
        {
            index.Append(i == 0 ? "" : ",").Append("{\"mediaType\":\"").Append(ManifestType).Append("\",\"digest\":\"sha256:")
                .Append(i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)).Append("\",\"size\":1,\"artifactType\":\"application/x\"}");
        }
        var body = Encoding.UTF8.GetBytes(index.Append("]}").ToString());
        await using var server = new LoopbackHttpServer(r => Task.FromResult(r.Path.Contains("/referrers/", StringComparison.Ordinal)
            ? new LoopbackResponse(200, body).WithHeader("Content-Type", IndexType)
            : LoopbackResponse.Text(404, "{}")));
        using var client = Client(server.Authority);
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetReferrersAsync(ImageReference.Parse($"{server.Authority}/demo/app"), subject));
        Assert.AreEqual(RegistryErrorKind.TooLarge, e.Kind, e.Message);
        StringAssert.Contains(e.Message, $"{server.Authority}/demo/app");
        StringAssert.Contains(e.Message, $"(registry {server.Authority})");
        Assert.IsLessThan(10_000L, watch.ElapsedMilliseconds);
    }

    [TestMethod]
    public async Task ReferrersSplitIntoEndlessPagesAreBounded()
    {
        var subject = DigestOf(Manifest);
        var page = 0;
        await using var server = new LoopbackHttpServer(r =>
        {
            var n = Interlocked.Increment(ref page);
            var entries = string.Join(",", Enumerable.Range(0, 100).Select(i =>
                $"{{\"mediaType\":\"{ManifestType}\",\"digest\":\"sha256:{(n * 1000 + i).ToString("x64", System.Globalization.CultureInfo.InvariantCulture)}\",\"size\":1,\"artifactType\":\"application/x\"}}"));
            var response = LoopbackResponse.Text(200, $"{{\"schemaVersion\":2,\"mediaType\":\"{IndexType}\",\"manifests\":[{entries}]}}", IndexType);
            return Task.FromResult(response.WithHeader("Link", $"</v2/demo/app/referrers/{subject}?page={n + 1}>; rel=\"next\""));
        });
        using var client = Client(server.Authority);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetReferrersAsync(ImageReference.Parse($"{server.Authority}/demo/app"), subject));
        Assert.AreEqual(RegistryErrorKind.TooLarge, e.Kind, e.Message);
        StringAssert.Contains(e.Message, $"(registry {server.Authority})");
        Assert.IsLessThanOrEqualTo(16, server.Requests.Count);
    }
}
