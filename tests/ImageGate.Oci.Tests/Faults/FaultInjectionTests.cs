using System.Diagnostics;
using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;
using ImageGate.Oci.Tests.Integration;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Faults;

/// <summary>Faults injected by a loopback proxy in front of the real registry: each ends in bounded
/// retries and a clear error naming image and registry, never in a wrong result.</summary>
[TestClass]
public sealed class FaultInjectionTests
{
    private static RegistryFixture registry = null!;
    private static TestContent content = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        registry = await RegistryFixture.StartAsync();
        content = await TestContent.PushAsync(registry);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await registry.DisposeAsync();

    private static RegistryClient Client(FaultProxy proxy, RegistryClientOptions? options = null) => new((options ?? new RegistryClientOptions
    {
        MaxAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromSeconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(2),
        OperationDeadline = TimeSpan.FromSeconds(20),
    }) with { InsecureRegistries = new HashSet<string> { proxy.Host } });

    private static ImageReference Ref(FaultProxy proxy, string text) => ImageReference.Parse($"{proxy.Host}/{text}");

    private static bool IsBlob(LoopbackRequest r) => r.Path.Contains("/blobs/", StringComparison.Ordinal);

    private static async Task<Descriptor> SignatureLayerAsync(RegistryClient client, FaultProxy proxy) =>
        (await client.GetSignaturesAsync(Ref(proxy, "demo/app"), content.AppDigest))!.Manifest.Layers[0];

    [TestMethod]
    public async Task Persistent500EndsAfterBoundedRetries()
    {
        await using var proxy = new FaultProxy(registry) { Rule = (r, _) => Task.FromResult<LoopbackResponse?>(LoopbackResponse.Text(500, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"boom\"}]}")) };
        using var client = Client(proxy);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Ref(proxy, "demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.Transport, e.Kind);
        StringAssert.Contains(e.Message, "HTTP 500 (UNKNOWN boom)");
        StringAssert.Contains(e.Message, "gave up after 3 attempts");
        StringAssert.Contains(e.Message, $"{proxy.Host}/demo/app:v1");
        StringAssert.Contains(e.Message, $"(registry {proxy.Host})");
        Assert.AreEqual(3, proxy.Requests.Count);
        Assert.AreEqual(2, client.Statistics.Snapshot()[proxy.Host].Retries);
    }

    [TestMethod]
    public async Task Transient503IsRetried()
    {
        await using var proxy = new FaultProxy(registry) { Rule = (r, n) => Task.FromResult<LoopbackResponse?>(n == 0 ? LoopbackResponse.Text(503, "") : null) };
        using var client = Client(proxy);
        Assert.AreEqual(content.AppDigest, (await client.ResolveAsync(Ref(proxy, "demo/app:v1"))).Digest);
        Assert.AreEqual(2, proxy.Requests.Count);
    }

    [TestMethod]
    public async Task TooManyRequestsHonoursRetryAfter()
    {
        await using var proxy = new FaultProxy(registry)
        {
            Rule = (r, n) => Task.FromResult<LoopbackResponse?>(n == 0 ? LoopbackResponse.Text(429, "").WithHeader("Retry-After", "1") : null),
        };
        using var client = Client(proxy);
        var watch = Stopwatch.StartNew();
        Assert.AreEqual(content.AppDigest, (await client.ResolveAsync(Ref(proxy, "demo/app:v1"))).Digest);
        Assert.IsTrue(watch.Elapsed >= TimeSpan.FromMilliseconds(950), $"waited only {watch.Elapsed}");
        Assert.AreEqual(2, proxy.Requests.Count);
    }

    [TestMethod]
    public async Task RetryAfterBeyondTheLimitFailsAtOnce()
    {
        await using var proxy = new FaultProxy(registry)
        {
            Rule = (r, n) => Task.FromResult<LoopbackResponse?>(LoopbackResponse.Text(429, "").WithHeader("Retry-After", "3600")),
        };
        using var client = Client(proxy);
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref(proxy, "demo/app:v1")));
        StringAssert.Contains(e.Message, "HTTP 429");
        StringAssert.Contains(e.Message, "retry after 3600 s");
        Assert.AreEqual(1, proxy.Requests.Count);
        Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [TestMethod]
    public async Task StalledBodyTimesOutAndIsRetriedThenFails()
    {
        await using var proxy = new FaultProxy(registry);
        proxy.Rule = async (r, _) => IsBlob(r) ? (await proxy.ForwardAsync(r)) with { StallAfterBytes = 10 } : null;
        using var client = Client(proxy);
        var layer = await SignatureLayerAsync(client, proxy);
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetBlobAsync(Ref(proxy, "demo/app"), layer));
        Assert.AreEqual(RegistryErrorKind.Timeout, e.Kind);
        StringAssert.Contains(e.Message, "timed out after 2 s");
        StringAssert.Contains(e.Message, layer.Digest);
        Assert.AreEqual(3, proxy.Requests.Count(IsBlob));
        Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(15), watch.Elapsed.ToString());
    }

    [TestMethod]
    public async Task TruncatedBodyIsRetriedAndRecovers()
    {
        await using var proxy = new FaultProxy(registry);
        proxy.Rule = async (r, n) => IsBlob(r) && n == 0
            ? (await proxy.ForwardAsync(r)) is var full ? full with { Body = full.Body[..(full.Body.Length / 2)], DeclaredLength = full.Body.Length } : null
            : null;
        using var client = Client(proxy);
        var layer = await SignatureLayerAsync(client, proxy);
        CollectionAssert.AreEqual(content.SignatureLayer, await client.GetBlobAsync(Ref(proxy, "demo/app"), layer));
        Assert.AreEqual(2, proxy.Requests.Count(IsBlob));
    }

    [TestMethod]
    public async Task PersistentlyTruncatedBodyFailsClearly()
    {
        await using var proxy = new FaultProxy(registry);
        proxy.Rule = async (r, _) => IsBlob(r)
            ? (await proxy.ForwardAsync(r)) is var full ? full with { Body = full.Body[..5], DeclaredLength = full.Body.Length } : null
            : null;
        using var client = Client(proxy);
        var layer = await SignatureLayerAsync(client, proxy);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetBlobAsync(Ref(proxy, "demo/app"), layer));
        Assert.AreEqual(RegistryErrorKind.Transport, e.Kind);
        StringAssert.Contains(e.Message, "gave up after 3 attempts");
        StringAssert.Contains(e.Message, $"{proxy.Host}/demo/app@{layer.Digest}");
        Assert.AreEqual(3, proxy.Requests.Count(IsBlob));
    }

    [TestMethod]
    public async Task WrongBlobContentIsADigestMismatchNeverAResult()
    {
        await using var proxy = new FaultProxy(registry);
        proxy.Rule = async (r, _) =>
        {
            if (!IsBlob(r))
            {
                return null;
            }
            var real = await proxy.ForwardAsync(r);
            var forged = (byte[])real.Body.Clone();
            forged[^2] ^= 0x01;
            return real with { Body = forged };
        };
        using var client = Client(proxy);
        var layer = await SignatureLayerAsync(client, proxy);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetBlobAsync(Ref(proxy, "demo/app"), layer));
        Assert.AreEqual(RegistryErrorKind.DigestMismatch, e.Kind);
        StringAssert.Contains(e.Message, $"expected {layer.Digest}");
        Assert.AreEqual(1, proxy.Requests.Count(IsBlob), "a digest mismatch is not retried");

        // And it is not cached: the next call asks again.
        await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetBlobAsync(Ref(proxy, "demo/app"), layer));
        Assert.AreEqual(2, proxy.Requests.Count(IsBlob));
    }

    [TestMethod]
    public async Task WrongManifestContentIsADigestMismatch()
    {
        await using var proxy = new FaultProxy(registry);
        proxy.Rule = async (r, _) =>
        {
            if (r.Method != "GET" || !r.Path.Contains("/manifests/", StringComparison.Ordinal))
            {
                return null;
            }
            var real = await proxy.ForwardAsync(r);
            var text = System.Text.Encoding.UTF8.GetString(real.Body).Replace("\"schemaVersion\":2", "\"schemaVersion\": 2", StringComparison.Ordinal);
            return real with { Body = System.Text.Encoding.UTF8.GetBytes(text) };
        };
        using var client = Client(proxy);
        var byDigest = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Ref(proxy, $"demo/app@{content.AppDigest}")));
        Assert.AreEqual(RegistryErrorKind.DigestMismatch, byDigest.Kind);
        StringAssert.Contains(byDigest.Message, $"expected {content.AppDigest}");

        // By tag, the Docker-Content-Digest header no longer matches the body.
        var byTag = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Ref(proxy, "demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.DigestMismatch, byTag.Kind);
        StringAssert.Contains(byTag.Message, "Docker-Content-Digest");
    }

    [TestMethod]
    public async Task OversizedManifestIsRefused()
    {
        var huge = new byte[5 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');
        await using var proxy = new FaultProxy(registry)
        {
            Rule = (r, _) => Task.FromResult<LoopbackResponse?>(r.Method == "GET" && r.Path.Contains("/manifests/", StringComparison.Ordinal)
                ? new LoopbackResponse(200, huge) { Headers = { ["Content-Type"] = MediaTypes.OciManifest } }
                : null),
        };
        using var client = Client(proxy);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(Ref(proxy, "demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.TooLarge, e.Kind);
        StringAssert.Contains(e.Message, "4194304 byte limit");
        Assert.AreEqual(1, proxy.Requests.Count);
    }

    [TestMethod]
    public async Task HeadWithoutDigestFallsBackToGet()
    {
        await using var proxy = new FaultProxy(registry);
        proxy.Rule = async (r, _) =>
        {
            if (r.Method != "HEAD")
            {
                return null;
            }
            var real = await proxy.ForwardAsync(r);
            real.Headers.Remove("Docker-Content-Digest");
            return real;
        };
        using var client = Client(proxy);
        Assert.AreEqual(content.AppDigest, (await client.ResolveAsync(Ref(proxy, "demo/app:v1"))).Digest);
        Assert.AreEqual(2, proxy.Requests.Count);
        // The manifest fetched for the digest is cached: getting it costs nothing more.
        await client.GetManifestAsync(Ref(proxy, "demo/app:v1"));
        Assert.AreEqual(2, proxy.Requests.Count);
    }

    [TestMethod]
    public async Task TheDeadlineBoundsAllRetries()
    {
        await using var proxy = new FaultProxy(registry) { Rule = (_, _) => Task.FromResult<LoopbackResponse?>(LoopbackResponse.Text(502, "")) };
        using var client = Client(proxy, new RegistryClientOptions
        {
            MaxAttempts = 50,
            RetryBaseDelay = TimeSpan.FromMilliseconds(400),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            OperationDeadline = TimeSpan.FromSeconds(2),
        });
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref(proxy, "demo/app:v1")));
        StringAssert.Contains(e.Message, "HTTP 502");
        StringAssert.Contains(e.Message, "2 s deadline");
        Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(6), watch.Elapsed.ToString());
        Assert.IsTrue(proxy.Requests.Count is > 1 and < 10, proxy.Requests.Count.ToString());
    }
}

[TestClass]
public sealed class ConcurrencyLimitTests
{
    [TestMethod]
    public async Task NoMoreRequestsInFlightThanAllowed()
    {
        await using var registry = await RegistryFixture.StartAsync();
        var blobs = new List<Descriptor>();
        for (var i = 0; i < 8; i++)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes($"blob {i}");
            var (digest, size) = await registry.PushBlobAsync("demo/many", bytes);
            blobs.Add(new Descriptor { MediaType = "application/octet-stream", Digest = digest, Size = size });
        }
        var inFlight = 0;
        var peak = 0;
        await using var proxy = new FaultProxy(registry);
        proxy.Rule = async (r, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            await Task.Delay(150);
            Interlocked.Decrement(ref inFlight);
            return null;
        };
        using var client = new RegistryClient(new RegistryClientOptions { MaxConcurrency = 2, InsecureRegistries = new HashSet<string> { proxy.Host } });
        var repository = ImageReference.Parse($"{proxy.Host}/demo/many");
        var results = await Task.WhenAll(blobs.Select(b => client.GetBlobAsync(repository, b)));
        Assert.AreEqual(8, results.Length);
        Assert.AreEqual(8, proxy.Requests.Count);
        Assert.AreEqual(2, peak, "at most MaxConcurrency requests at once, and the limit was reached");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
