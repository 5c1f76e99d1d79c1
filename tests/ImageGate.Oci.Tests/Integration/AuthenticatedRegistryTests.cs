using ImageGate.Oci.Auth;
using ImageGate.Oci.Client;
using ImageGate.Oci.References;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Integration;

[TestClass]
public sealed class BasicAuthRegistryTests
{
    private static RegistryFixture registry = null!;
    private static TestContent content = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        registry = await RegistryFixture.StartAsync(new RegistryFixtureOptions { Auth = RegistryAuthMode.Basic });
        content = await TestContent.PushAsync(registry);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await registry.DisposeAsync();

    private static RegistryClient Client(RegistryCredential? credential) => new(new RegistryClientOptions
    {
        InsecureRegistries = new HashSet<string> { registry.Host },
        Credentials = credential is null ? AnonymousCredentials.Instance : new StaticCredentials(new Dictionary<string, RegistryCredential> { [registry.Host] = credential }),
    });

    private static ImageReference Ref(string text) => ImageReference.Parse($"{registry.Host}/{text}");

    [TestMethod]
    public async Task HtpasswdCredentialsWork()
    {
        using var client = Client(RegistryCredential.Basic("tester", "s3cret-pass", "test"));
        var mark = await registry.MarkAsync();
        var image = await client.GetImageAsync(Ref("demo/app:v1"));
        Assert.AreEqual(content.AppDigest, image.Digest);
        await client.GetBlobAsync(image.Reference, image.Manifest.Manifest.Config);
        var requests = await registry.RequestsSinceAsync(mark);
        // One 401 to learn the scheme, then Basic is sent up front.
        Assert.AreEqual(3, requests.Count, string.Join("\n", requests));
        Assert.AreEqual(401, requests[0].Status);
        Assert.IsTrue(requests.Skip(1).All(r => r.Status == 200));
    }

    [TestMethod]
    public async Task MissingCredentialsAreRefusedClearly()
    {
        using var client = Client(null);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref("demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.Unauthorized, e.Kind);
        StringAssert.Contains(e.Message, "requires Basic authentication and no credentials were found");
        StringAssert.Contains(e.Message, registry.Host);
    }

    [TestMethod]
    public async Task WrongPasswordIsRefusedWithoutLeakingIt()
    {
        using var client = Client(RegistryCredential.Basic("tester", "wrong-password-XYZ", "test"));
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref("demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.Unauthorized, e.Kind);
        StringAssert.Contains(e.Message, "HTTP 401 after authenticating");
        Assert.IsFalse(e.ToString().Contains("wrong-password-XYZ", StringComparison.Ordinal));
    }
}

[TestClass]
public sealed class TlsRegistryTests
{
    private static RegistryFixture registry = null!;
    private static TestContent content = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        registry = await RegistryFixture.StartAsync(new RegistryFixtureOptions { Tls = true });
        content = await TestContent.PushAsync(registry);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await registry.DisposeAsync();

    private static ImageReference Ref(string text) => ImageReference.Parse($"{registry.Host}/{text}");

    [TestMethod]
    public async Task WorksWithTheCaGiven()
    {
        using var client = new RegistryClient(new RegistryClientOptions { CaCertificates = RegistryClientOptions.LoadCaBundle(registry.CaCertificatePath!) });
        var image = await client.GetImageAsync(Ref("demo/app:v1"));
        Assert.AreEqual(content.AppDigest, image.Digest);
        Assert.IsNotNull(await client.GetSignaturesAsync(Ref("demo/app"), content.AppDigest));
    }

    [TestMethod]
    public async Task RefusedWithoutTheCa()
    {
        using var client = new RegistryClient(new RegistryClientOptions { MaxAttempts = 2 });
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref("demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.Refused, e.Kind);
        StringAssert.Contains(e.Message, "certificate is not trusted");
        StringAssert.Contains(e.Message, registry.Host);
        Assert.AreEqual(0, client.Statistics.TotalRequests);
    }

    [TestMethod]
    public async Task RefusedWithAnotherCa()
    {
        using var other = new TestCertificateAuthority("Some Other CA");
        using var client = new RegistryClient(new RegistryClientOptions { CaCertificates = [other.Certificate] });
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref("demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.Refused, e.Kind);
    }

    [TestMethod]
    public async Task InsecureAllowedStillNeverSkipsVerification()
    {
        // Allowing plain HTTP does not mean trusting an unknown certificate: HTTPS fails, the HTTP
        // fallback reaches a TLS port and fails too.
        using var client = new RegistryClient(new RegistryClientOptions { MaxAttempts = 1, InsecureRegistries = new HashSet<string> { registry.Host } });
        await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref("demo/app:v1")));
    }
}

[TestClass]
public sealed class TokenAuthRegistryTests
{
    private static RegistryFixture registry = null!;
    private static TestContent content = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        registry = await RegistryFixture.StartAsync(new RegistryFixtureOptions { Auth = RegistryAuthMode.Token });
        content = await TestContent.PushAsync(registry);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await registry.DisposeAsync();

    private static RegistryClient Client(RegistryCredential? credential, bool insecure = true) => new(new RegistryClientOptions
    {
        InsecureRegistries = insecure ? new HashSet<string> { registry.Host } : new HashSet<string>(),
        Credentials = credential is null ? AnonymousCredentials.Instance : new StaticCredentials(new Dictionary<string, RegistryCredential> { [registry.Host] = credential }),
        MaxAttempts = 2,
    });

    private static ImageReference Ref(string text) => ImageReference.Parse($"{registry.Host}/{text}");

    [TestMethod]
    public async Task BearerTokenFlowWithBasicCredentialsAtTheRealm()
    {
        registry.TokenServer!.AllowAnonymousPull = false;
        var before = registry.TokenServer.Requests.Count;
        using var client = Client(RegistryCredential.Basic("tester", "s3cret-pass", "test"));
        var mark = await registry.MarkAsync();
        var digest = (await client.ResolveAsync(Ref("demo/app:v1"))).Digest;
        Assert.AreEqual(content.AppDigest, digest);
        var signatures = await client.GetSignaturesAsync(Ref("demo/app"), digest);
        await client.GetBlobAsync(Ref("demo/app"), signatures!.Manifest.Layers[0]);

        var tokenRequests = registry.TokenServer.Requests.Skip(before).ToList();
        Assert.AreEqual(1, tokenRequests.Count, "one token per repository scope, cached");
        Assert.AreEqual("repository:demo/app:pull", tokenRequests[0].Query["scope"].Single());
        Assert.AreEqual(registry.TokenServer.Service, tokenRequests[0].Query["service"].Single());
        StringAssert.StartsWith(tokenRequests[0].Header("Authorization"), "Basic ");
        var requests = await registry.RequestsSinceAsync(mark);
        Assert.AreEqual(4, requests.Count, string.Join("\n", requests));
        Assert.AreEqual(401, requests[0].Status);
        Assert.AreEqual(1, client.Statistics.Snapshot()[registry.Host].TokenRequests);

        // Another repository needs its own scope, fetched without another 401 round trip.
        mark = await registry.MarkAsync();
        Assert.AreEqual(content.DockerDigest, (await client.ResolveAsync(Ref("demo/docker:v1"))).Digest);
        Assert.AreEqual(1, (await registry.RequestsSinceAsync(mark)).Count);
        Assert.AreEqual(2, registry.TokenServer.Requests.Count - before);
    }

    [TestMethod]
    public async Task AnonymousTokenWhenTheServerAllowsIt()
    {
        registry.TokenServer!.AllowAnonymousPull = true;
        try
        {
            using var client = Client(null);
            Assert.AreEqual(content.AppDigest, (await client.ResolveAsync(Ref("demo/app:v1"))).Digest);
            Assert.IsNull(registry.TokenServer.Requests[^1].Header("Authorization"));
        }
        finally
        {
            registry.TokenServer.AllowAnonymousPull = false;
        }
    }

    [TestMethod]
    public async Task TokenServerRefusalIsReportedWithTheRealm()
    {
        using var client = Client(RegistryCredential.Basic("tester", "not-the-password", "test"));
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref("demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.Unauthorized, e.Kind);
        StringAssert.Contains(e.Message, $"token server {registry.TokenServer!.Realm} refused the credentials from test (user tester)");
        StringAssert.Contains(e.Message, "invalid credentials");
        Assert.IsFalse(e.ToString().Contains("not-the-password", StringComparison.Ordinal));

        using var anonymous = Client(null);
        var a = await Assert.ThrowsExactlyAsync<RegistryException>(() => anonymous.ResolveAsync(Ref("demo/app:v1")));
        StringAssert.Contains(a.Message, "refused anonymous access");
    }

    [TestMethod]
    public async Task IdentityTokenIsExchangedByPostAtTheRealm()
    {
        registry.TokenServer!.RefreshTokens["refresh-abc-SECRET"] = "tester";
        var before = registry.TokenServer.Requests.Count;
        using var client = Client(new RegistryCredential { Username = "00000000-0000-0000-0000-000000000000", IdentityToken = "refresh-abc-SECRET", Source = "test" });
        Assert.AreEqual(content.AppDigest, (await client.ResolveAsync(Ref("demo/app:v1"))).Digest);
        var post = registry.TokenServer.Requests.Skip(before).Single();
        Assert.AreEqual("POST", post.Method);
        Assert.AreEqual("refresh_token", post.Form["grant_type"]);
        Assert.AreEqual("repository:demo/app:pull", post.Form["scope"]);
        Assert.AreEqual("imagegate", post.Form["client_id"]);

        using var revoked = Client(new RegistryCredential { IdentityToken = "revoked-SECRET", Source = "test" });
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => revoked.ResolveAsync(Ref("demo/app:v1")));
        StringAssert.Contains(e.Message, "invalid_grant");
        Assert.IsFalse(e.ToString().Contains("revoked-SECRET", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task PlainHttpRealmRefusedWhenTheRegistryIsNotInsecure()
    {
        // Reach the plain-HTTP registry through a fault-free proxy registered as insecure? No: here
        // the registry itself is not insecure-allowed, so even reaching it fails before any token is sent.
        using var client = Client(RegistryCredential.Basic("tester", "s3cret-pass", "test"), insecure: false);
        var before = registry.TokenServer!.Requests.Count;
        await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref("demo/app:v1")));
        Assert.AreEqual(before, registry.TokenServer.Requests.Count, "no credentials were sent anywhere");
    }
}

[TestClass]
public sealed class CredentialFailureTests
{
    private sealed class FailingProvider : ICredentialSource
    {
        public ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken) =>
            throw new ImageGate.Oci.Credentials.CredentialProviderException("azure", "Entra ID token request failed: HTTP 400 (invalid_client)");
    }

    [TestMethod]
    public async Task ProviderFailuresSurfaceAsRegistryErrorsNamingTheImage()
    {
        await using var registry = await RegistryFixture.StartAsync(new RegistryFixtureOptions { Auth = RegistryAuthMode.Basic });
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = new FailingProvider(), InsecureRegistries = new HashSet<string> { registry.Host } });
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(ImageReference.Parse($"{registry.Host}/demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.Unauthorized, e.Kind);
        StringAssert.Contains(e.Message, $"{registry.Host}/demo/app");
        StringAssert.Contains(e.Message, "could not obtain credentials: credentials (azure): Entra ID token request failed");
    }
}
