using ImageGate.Oci.Auth;
using ImageGate.Oci.Client;
using ImageGate.TestSupport.Registry;
using ImageGate.Verification.Cosign;

namespace ImageGate.Verification.Tests;

/// <summary>A legacy cosign signature in a registry that demands Bearer tokens: the verdict is the same, and the
/// token requests are counted apart from the registry's own.</summary>
[TestClass]
public sealed class AuthenticatedRegistryTests
{
    private static RegistryFixture registry = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _) => registry = await RegistryFixture.StartAsync(new RegistryFixtureOptions { Auth = RegistryAuthMode.Token });

    [ClassCleanup]
    public static async Task StopAsync() => await registry.DisposeAsync();

    [TestMethod]
    public async Task TokenRegistrySignatureVerifiesWithOneTokenPerRepository()
    {
        const string repository = "auth/app";
        var key = await Openssl.GenerateKeyAsync("auth-key");
        var pushed = await TestRegistry.PushImageAsync(repository, "v1", "auth-" + Guid.NewGuid().ToString("N"), registry);
        await CosignLayout.PushAsync(repository, CosignLayout.Tag(pushed.Digest, "sig"),
            [await CosignLayout.KeySignedLayerAsync(key.PrivateKeyPath, CosignLayout.SimpleSigningPayload($"{registry.Host}/{repository}", pushed.Digest))], registry);
        var (user, password) = registry.Options.Users.First();
        using var client = new RegistryClient(new RegistryClientOptions
        {
            InsecureRegistries = new HashSet<string> { registry.Host },
            Credentials = new StaticCredentials(new Dictionary<string, RegistryCredential> { [registry.Host] = RegistryCredential.Basic(user, password) }),
        });
        var verifier = new RegistryImageVerifier(_ => client, [new CosignAttestorVerifier()]);
        var attestor = new CosignAttestorSpec("key") { PublicKeyPem = key.PublicKeyPem, InsecureIgnoreTlog = true };

        var mark = await registry.MarkAsync();
        var tokensBefore = registry.TokenServer!.Requests.Count;
        var outcome = await verifier.VerifySignatureAsync($"{registry.Host}/{repository}:v1", attestor, RegistryAccess.Default, CancellationToken.None);
        Assert.IsTrue(outcome.Verified, outcome.Reason);
        var requests = await registry.RequestsSinceAsync(mark);
        var tokens = registry.TokenServer.Requests.Count - tokensBefore;
        Console.WriteLine($"token registry: {requests.Count} registry requests ({TestRegistry.Describe(requests)}), {tokens} token requests");
        Assert.HasCount(3, requests.Where(r => r.Status is >= 200 and < 300).ToList(), TestRegistry.Describe(requests));
        Assert.IsLessThanOrEqualTo(1, requests.Count(r => r.Status == 401), TestRegistry.Describe(requests));
        Assert.AreEqual(1, tokens);

        var wrongKey = (await Openssl.GenerateKeyAsync("auth-other")).PublicKeyPem;
        var failed = await verifier.VerifySignatureAsync($"{registry.Host}/{repository}:v1", attestor with { PublicKeyPem = wrongKey }, RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(failed.Verified);
        StringAssert.StartsWith(failed.Reason, "no signature verified: signature 1: ");
    }
}
