namespace ImageGate.Verification.Tests;

/// <summary>Legacy cosign <c>.sig</c> signatures made with openssl keys, pushed to the loopback registry and checked
/// through the port.</summary>
[TestClass]
public sealed class CosignSignatureTests
{
    private static (string Key, string Pem) p256;
    private static (string Key, string Pem) other;

    [ClassInitialize]
    public static async Task KeysAsync(TestContext _)
    {
        p256 = await Openssl.GenerateKeyAsync("cosign-p256");
        other = await Openssl.GenerateKeyAsync("cosign-other");
    }

    private static CosignAttestorSpec KeyAttestor(string pem) => new("key") { PublicKeyPem = pem, InsecureIgnoreTlog = true };

    private static async Task<(string Image, string Digest)> SignedImageAsync(string repository, Func<string, Task<IReadOnlyList<(byte[], string, IReadOnlyDictionary<string, string>)>>> layers)
    {
        var pushed = await TestRegistry.PushImageAsync(repository);
        await CosignLayout.PushAsync(repository, CosignLayout.Tag(pushed.Digest, "sig"), await layers(pushed.Digest));
        return (TestRegistry.Image(repository), pushed.Digest);
    }

    private static async Task<IReadOnlyList<(byte[], string, IReadOnlyDictionary<string, string>)>> OneSignature(string repository, string digest, string key) =>
        [await CosignLayout.KeySignedLayerAsync(key, CosignLayout.SimpleSigningPayload($"{TestRegistry.Registry.Host}/{repository}", digest))];

    [TestMethod]
    public async Task KeySignedLegacySignatureVerifiesInThreeRequestsAndAgainInNone()
    {
        var (image, _) = await SignedImageAsync("cosign/key", d => OneSignature("cosign/key", d, p256.Key));
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);

        var mark = await TestRegistry.Registry.MarkAsync();
        var outcome = await verifier.VerifySignatureAsync(image, KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None);
        var first = await TestRegistry.Registry.RequestsSinceAsync(mark);
        Assert.IsTrue(outcome.Verified, outcome.Reason);
        Assert.HasCount(3, first, TestRegistry.Describe(first));
        Assert.AreEqual("HEAD", first[0].Method);
        StringAssert.EndsWith(first[1].Path, ".sig");
        StringAssert.Contains(first[2].Path, "/blobs/");

        mark = await TestRegistry.Registry.MarkAsync();
        var again = await verifier.VerifySignatureAsync(image, KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsTrue(again.Verified);
        var second = await TestRegistry.Registry.RequestsSinceAsync(mark);
        Assert.IsEmpty(second, TestRegistry.Describe(second));
    }

    [TestMethod]
    public async Task WrongKeyFailsWithTheSignaturesReason()
    {
        var (image, _) = await SignedImageAsync("cosign/wrong-key", d => OneSignature("cosign/wrong-key", d, p256.Key));
        using var client = TestRegistry.NewClient();
        var outcome = await TestRegistry.NewVerifier(client).VerifySignatureAsync(image, KeyAttestor(other.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, "no signature verified: signature 1: ");
        StringAssert.Contains(outcome.Reason, "signature");
    }

    [TestMethod]
    public async Task TamperedPayloadFails()
    {
        const string repository = "cosign/tampered";
        var (image, _) = await SignedImageAsync(repository, async digest =>
        {
            var signed = CosignLayout.SimpleSigningPayload($"{TestRegistry.Registry.Host}/{repository}", digest);
            var stored = CosignLayout.SimpleSigningPayload($"{TestRegistry.Registry.Host}/{repository}", digest, new Dictionary<string, string> { ["injected"] = "yes" });
            return [await CosignLayout.KeySignedLayerAsync(p256.Key, stored, signedBytes: signed)];
        });
        using var client = TestRegistry.NewClient();
        var outcome = await TestRegistry.NewVerifier(client).VerifySignatureAsync(image, KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, "no signature verified: signature 1: ");
    }

    [TestMethod]
    public async Task SignatureForAnotherDigestFailsOnTheClaim()
    {
        const string repository = "cosign/other-digest";
        var (image, _) = await SignedImageAsync(repository, async _ =>
        {
            var elsewhere = "sha256:" + new string('a', 64);
            return [await CosignLayout.KeySignedLayerAsync(p256.Key, CosignLayout.SimpleSigningPayload($"{TestRegistry.Registry.Host}/{repository}", elsewhere))];
        });
        using var client = TestRegistry.NewClient();
        var outcome = await TestRegistry.NewVerifier(client).VerifySignatureAsync(image, KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, "invalid or missing digest in claim");
        StringAssert.Contains(outcome.Reason, new string('a', 64));
    }

    [TestMethod]
    public async Task UnsignedImageFailsWithNoSignaturesFound()
    {
        var pushed = await TestRegistry.PushImageAsync("cosign/unsigned");
        using var client = TestRegistry.NewClient();
        var mark = await TestRegistry.Registry.MarkAsync();
        var outcome = await TestRegistry.NewVerifier(client).VerifySignatureAsync(TestRegistry.Image("cosign/unsigned"), KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, "no signatures found");
        StringAssert.Contains(outcome.Reason, pushed.Digest);
        // resolve, .sig tag (404), referrers API (404), referrers fallback tag (404)
        var requests = await TestRegistry.Registry.RequestsSinceAsync(mark);
        Assert.HasCount(4, requests, TestRegistry.Describe(requests));
    }

    [TestMethod]
    public async Task OneOfSeveralLayersVerifying()
    {
        const string repository = "cosign/two-layers";
        var (image, _) = await SignedImageAsync(repository, async digest =>
        {
            var payload = CosignLayout.SimpleSigningPayload($"{TestRegistry.Registry.Host}/{repository}", digest);
            return [await CosignLayout.KeySignedLayerAsync(other.Key, payload), await CosignLayout.KeySignedLayerAsync(p256.Key, payload)];
        });
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        Assert.IsTrue((await verifier.VerifySignatureAsync(image, KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None)).Verified);
        var otherOnly = await verifier.VerifySignatureAsync(image, KeyAttestor((await Openssl.GenerateKeyAsync("cosign-third")).PublicKeyPem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(otherOnly.Verified);
        StringAssert.Contains(otherOnly.Reason, "signature 1: ");
        StringAssert.Contains(otherOnly.Reason, "; signature 2: ");
    }

    [TestMethod]
    public async Task AnnotationsAreMatchedAgainstTheSignedOptionalMap()
    {
        const string repository = "cosign/annotated";
        var (image, _) = await SignedImageAsync(repository, async digest =>
            [await CosignLayout.KeySignedLayerAsync(p256.Key, CosignLayout.SimpleSigningPayload($"{TestRegistry.Registry.Host}/{repository}", digest, new Dictionary<string, string> { ["env"] = "prod" }))]);
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        var matching = KeyAttestor(p256.Pem) with { Annotations = new Dictionary<string, string> { ["env"] = "prod" } };
        var wrong = KeyAttestor(p256.Pem) with { Annotations = new Dictionary<string, string> { ["env"] = "dev" } };
        Assert.IsTrue((await verifier.VerifySignatureAsync(image, matching, RegistryAccess.Default, CancellationToken.None)).Verified);
        var failed = await verifier.VerifySignatureAsync(image, wrong, RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(failed.Verified);
        StringAssert.Contains(failed.Reason, "missing or incorrect annotation: \"env\" is \"prod\", expected \"dev\"");
    }

    [TestMethod]
    [DataRow("ec:P-384", "sha384", false)]
    [DataRow("rsa:2048", "sha256", false)]
    [DataRow("ed25519", "sha256", true)]
    public async Task OtherKeyTypes(string kind, string hash, bool ed25519)
    {
        var repository = "cosign/key-" + kind.Replace(':', '-').ToLowerInvariant();
        var key = await Openssl.GenerateKeyAsync(repository.Replace('/', '-'), kind);
        var (image, _) = await SignedImageAsync(repository, async digest =>
            [await CosignLayout.KeySignedLayerAsync(key.PrivateKeyPath, CosignLayout.SimpleSigningPayload($"{TestRegistry.Registry.Host}/{repository}", digest), hash, ed25519)]);
        using var client = TestRegistry.NewClient();
        var outcome = await TestRegistry.NewVerifier(client).VerifySignatureAsync(image, KeyAttestor(key.PublicKeyPem) with { HashAlgorithm = hash }, RegistryAccess.Default, CancellationToken.None);
        Assert.IsTrue(outcome.Verified, outcome.Reason);
    }

    [TestMethod]
    public async Task SignatureRepositoryAndTagPrefix()
    {
        var pushed = await TestRegistry.PushImageAsync("cosign/elsewhere-image");
        const string signatures = "cosign/elsewhere-signatures";
        await CosignLayout.PushAsync(signatures, CosignLayout.Tag(pushed.Digest, "sig", "team-"),
            [await CosignLayout.KeySignedLayerAsync(p256.Key, CosignLayout.SimpleSigningPayload($"{TestRegistry.Registry.Host}/cosign/elsewhere-image", pushed.Digest))]);
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        var image = TestRegistry.Image("cosign/elsewhere-image");
        var attestor = KeyAttestor(p256.Pem) with { SignatureRepository = $"{TestRegistry.Registry.Host}/{signatures}", TagPrefix = "team-" };
        Assert.IsTrue((await verifier.VerifySignatureAsync(image, attestor, RegistryAccess.Default, CancellationToken.None)).Verified);
        var withoutPrefix = await verifier.VerifySignatureAsync(image, attestor with { TagPrefix = null }, RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(withoutPrefix.Verified);
        StringAssert.StartsWith(withoutPrefix.Reason, "no signatures found");
    }

    [TestMethod]
    public async Task UnreachableSignatureRepositoryIsAnInfrastructureError()
    {
        await TestRegistry.PushImageAsync("cosign/unreachable-signatures");
        using var client = new ImageGate.Oci.Client.RegistryClient(new ImageGate.Oci.Client.RegistryClientOptions
        {
            InsecureRegistries = new HashSet<string> { TestRegistry.Registry.Host, "127.0.0.1:1" },
            MaxAttempts = 1,
        });
        var attestor = KeyAttestor(p256.Pem) with { SignatureRepository = "127.0.0.1:1/signatures" };
        var error = await Assert.ThrowsExactlyAsync<ImageAccessException>(() =>
            TestRegistry.NewVerifier(client).VerifySignatureAsync(TestRegistry.Image("cosign/unreachable-signatures"), attestor, RegistryAccess.Default, CancellationToken.None));
        StringAssert.Contains(error.Message, "127.0.0.1:1");
        Assert.IsInstanceOfType<ImageGate.Oci.Client.RegistryException>(error.InnerException);
    }

    [TestMethod]
    public async Task UnusableKeyIsAFailedAttestorWithItsReason()
    {
        var (image, _) = await SignedImageAsync("cosign/bad-key", d => OneSignature("cosign/bad-key", d, p256.Key));
        using var client = TestRegistry.NewClient();
        var outcome = await TestRegistry.NewVerifier(client).VerifySignatureAsync(image, new CosignAttestorSpec("broken") { PublicKeyPem = "not a key", InsecureIgnoreTlog = true }, RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, "attestor broken cannot be used: ");
    }

    [TestMethod]
    public async Task OversizedTrustedRootIsRefused()
    {
        var (image, _) = await SignedImageAsync("cosign/huge-root", d => OneSignature("cosign/huge-root", d, p256.Key));
        using var client = TestRegistry.NewClient();
        var attestor = new CosignAttestorSpec("huge") { PublicKeyPem = p256.Pem, TrustedRootJson = new string(' ', 1024 * 1024 + 1) + "{}" };
        var outcome = await TestRegistry.NewVerifier(client).VerifySignatureAsync(image, attestor, RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, "more than 1048576");
    }

    [TestMethod]
    public async Task SignatureTagHoldingAnIndexIsAnInfrastructureError()
    {
        const string repository = "cosign/index-tag";
        var pushed = await TestRegistry.PushImageAsync(repository);
        await TestRegistry.Registry.PushIndexAsync(repository, CosignLayout.Tag(pushed.Digest, "sig"),
            [ImageGate.TestSupport.Registry.RegistryFixture.Descriptor(pushed.MediaType, pushed.Digest, pushed.Size, null)]);
        using var client = TestRegistry.NewClient();
        var error = await Assert.ThrowsExactlyAsync<ImageAccessException>(() =>
            TestRegistry.NewVerifier(client).VerifySignatureAsync(TestRegistry.Image(repository), KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None));
        StringAssert.Contains(error.Message, "must hold an image manifest");
        StringAssert.Contains(error.Message, TestRegistry.Registry.Host);
    }

    [TestMethod]
    public async Task ConcurrentChecksOfOneImageShareTheirRequests()
    {
        var (image, _) = await SignedImageAsync("cosign/concurrent", d => OneSignature("cosign/concurrent", d, p256.Key));
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        var mark = await TestRegistry.Registry.MarkAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            verifier.VerifySignatureAsync(image, KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None)));
        Assert.IsTrue(outcomes.All(o => o.Verified));
        var requests = await TestRegistry.Registry.RequestsSinceAsync(mark);
        Assert.HasCount(3, requests, TestRegistry.Describe(requests));
    }

    [TestMethod]
    public async Task MultiArchImageIsSignedOverItsIndexDigest()
    {
        const string repository = "cosign/multi-arch";
        var amd64 = await TestRegistry.PushImageAsync(repository, "amd64");
        var arm64 = await TestRegistry.PushImageAsync(repository, "arm64");
        var index = await TestRegistry.Registry.PushIndexAsync(repository, "v1",
        [
            ImageGate.TestSupport.Registry.RegistryFixture.Descriptor(amd64.MediaType, amd64.Digest, amd64.Size, null, new Dictionary<string, string> { ["os"] = "linux", ["architecture"] = "amd64" }),
            ImageGate.TestSupport.Registry.RegistryFixture.Descriptor(arm64.MediaType, arm64.Digest, arm64.Size, null, new Dictionary<string, string> { ["os"] = "linux", ["architecture"] = "arm64" }),
        ]);
        await CosignLayout.PushAsync(repository, CosignLayout.Tag(index.Digest, "sig"), await OneSignature(repository, index.Digest, p256.Key));
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        var outcome = await verifier.VerifySignatureAsync(TestRegistry.Image(repository), KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsTrue(outcome.Verified, outcome.Reason);
        // The platform image itself carries no signature.
        var platform = await verifier.VerifySignatureAsync($"{TestRegistry.Registry.Host}/{repository}@{amd64.Digest}", KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(platform.Verified);
        StringAssert.StartsWith(platform.Reason, "no signatures found");
    }

    [TestMethod]
    public async Task SignatureTagWithoutLayersMeansNoSignatures()
    {
        const string repository = "cosign/empty-tag";
        var pushed = await TestRegistry.PushImageAsync(repository);
        await CosignLayout.PushAsync(repository, CosignLayout.Tag(pushed.Digest, "sig"), []);
        using var client = TestRegistry.NewClient();
        var outcome = await TestRegistry.NewVerifier(client).VerifySignatureAsync(TestRegistry.Image(repository), KeyAttestor(p256.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, "no signatures found: ");
    }
}
