namespace ImageGate.Verification.Tests;

/// <summary>Legacy cosign <c>.att</c> attestations: DSSE envelopes over in-toto statements, signed with openssl keys.</summary>
[TestClass]
public sealed class CosignAttestationTests
{
    private const string CycloneDx = "https://cyclonedx.org/bom";
    private const string Sbom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[]}";
    private static (string Key, string Pem) key;
    private static (string Key, string Pem) other;

    [ClassInitialize]
    public static async Task KeysAsync(TestContext _)
    {
        key = await Openssl.GenerateKeyAsync("cosign-att");
        other = await Openssl.GenerateKeyAsync("cosign-att-other");
    }

    private static CosignAttestorSpec Attestor(string pem) => new("key") { PublicKeyPem = pem, InsecureIgnoreTlog = true };

    private static async Task<(string Image, string Digest)> AttestedAsync(string repository, Func<string, byte[]> statement, string? signingKey = null)
    {
        var pushed = await TestRegistry.PushImageAsync(repository);
        var envelope = await CosignLayout.DsseEnvelopeAsync(signingKey ?? key.Key, statement(pushed.Digest));
        await CosignLayout.PushAsync(repository, CosignLayout.Tag(pushed.Digest, "att"),
            [(envelope, CosignLayout.Dsse, new Dictionary<string, string> { [CosignLayout.SignatureAnnotation] = "", ["predicateType"] = CycloneDx })]);
        return (TestRegistry.Image(repository), pushed.Digest);
    }

    [TestMethod]
    public async Task VerifiedStatementIsThePayloadWithShortPredicateName()
    {
        var (image, digest) = await AttestedAsync("cosign-att/sbom", d => CosignLayout.Statement(d, CycloneDx, Sbom));
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        var attestation = new AttestationSpec("sbom", "cyclonedx", null);

        var mark = await TestRegistry.Registry.MarkAsync();
        var outcome = await verifier.VerifyAttestationAsync(image, attestation, Attestor(key.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsTrue(outcome.Verified, outcome.Reason);
        var requests = await TestRegistry.Registry.RequestsSinceAsync(mark);
        Assert.HasCount(3, requests, TestRegistry.Describe(requests));
        StringAssert.EndsWith(requests[1].Path, ".att");

        var payload = await verifier.GetVerifiedPayloadAsync(image, attestation, RegistryAccess.Default, CancellationToken.None);
        Assert.AreEqual(CycloneDx, payload?["predicateType"]?.GetValue<string>());
        Assert.AreEqual("CycloneDX", payload?["predicate"]?["bomFormat"]?.GetValue<string>());
        Assert.AreEqual(digest[7..], payload?["subject"]?[0]?["digest"]?["sha256"]?.GetValue<string>());

        mark = await TestRegistry.Registry.MarkAsync();
        Assert.IsTrue((await verifier.VerifyAttestationAsync(image, attestation, Attestor(key.Pem), RegistryAccess.Default, CancellationToken.None)).Verified);
        Assert.IsEmpty(await TestRegistry.Registry.RequestsSinceAsync(mark));
    }

    [TestMethod]
    public async Task PredicateTypeMismatchFailsWithoutPayload()
    {
        var (image, _) = await AttestedAsync("cosign-att/mismatch", d => CosignLayout.Statement(d, CycloneDx, Sbom));
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        var attestation = new AttestationSpec("prov", "slsaprovenance1", null);
        var outcome = await verifier.VerifyAttestationAsync(image, attestation, Attestor(key.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, "predicate type mismatch: required predicate type https://slsa.dev/provenance/v1 not found, found [https://cyclonedx.org/bom]");
        Assert.IsNull(await verifier.GetVerifiedPayloadAsync(image, attestation, RegistryAccess.Default, CancellationToken.None));
    }

    [TestMethod]
    public async Task StatementAboutAnotherImageFails()
    {
        var (image, _) = await AttestedAsync("cosign-att/other-subject", _ => CosignLayout.Statement("sha256:" + new string('c', 64), CycloneDx, Sbom));
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        var attestation = new AttestationSpec("sbom", CycloneDx, null);
        var outcome = await verifier.VerifyAttestationAsync(image, attestation, Attestor(key.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, "no matching subject digest found");
        Assert.IsNull(await verifier.GetVerifiedPayloadAsync(image, attestation, RegistryAccess.Default, CancellationToken.None));
    }

    [TestMethod]
    public async Task WrongKeyFailsWithoutPayload()
    {
        var (image, _) = await AttestedAsync("cosign-att/wrong-key", d => CosignLayout.Statement(d, CycloneDx, Sbom), other.Key);
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        var attestation = new AttestationSpec("sbom", CycloneDx, null);
        var outcome = await verifier.VerifyAttestationAsync(image, attestation, Attestor(key.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, $"no attestation of predicate type {CycloneDx} verified: attestation 1: DSSE envelope");
        Assert.IsNull(await verifier.GetVerifiedPayloadAsync(image, attestation, RegistryAccess.Default, CancellationToken.None));
    }

    [TestMethod]
    public async Task ReferrerTypedAttestationIsRejectedByTheCosignAttestor()
    {
        var (image, _) = await AttestedAsync("cosign-att/referrer", d => CosignLayout.Statement(d, CycloneDx, Sbom));
        using var client = TestRegistry.NewClient();
        var outcome = await TestRegistry.NewVerifier(client).VerifyAttestationAsync(image, new AttestationSpec("sbom", null, "application/vnd.cyclonedx+json"), Attestor(key.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, "in-toto attestations only");
    }

    [TestMethod]
    public async Task NoAttestationsFound()
    {
        await TestRegistry.PushImageAsync("cosign-att/none");
        using var client = TestRegistry.NewClient();
        var outcome = await TestRegistry.NewVerifier(client).VerifyAttestationAsync(TestRegistry.Image("cosign-att/none"), new AttestationSpec("sbom", CycloneDx, null), Attestor(key.Pem), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, "no attestations found");
    }
}
