using ImageGate.Notation;
using ImageGate.Verification.Notary;

namespace ImageGate.Verification.Tests;

/// <summary>Notary Project signatures (JWS from the openssl fixture script) attached as OCI referrers in the loopback
/// registry, and an SBOM referrer carrying its own signature, checked through the port.</summary>
[TestClass]
public sealed class NotaryTests
{
    private static readonly AttestationSpec Sbom = new("sbom", null, "application/vnd.cyclonedx+json");

    private static NotaryAttestorVerifier Verifier() => new(new NotaryVerifyOptions { OfflineRevocation = false });

    private static async Task<NotaryAttestorSpec> AttestorAsync(string trusted = "root", string? tsa = null) =>
        new("notary") { CertificatesPem = await NotaryFixtures.PemAsync(trusted), TsaCertificatesPem = tsa is null ? null : await NotaryFixtures.PemAsync(tsa) };

    private static async Task<(string Image, PushedManifestInfo Target)> SignedAsync(string repository, string envelope)
    {
        var target = await NotaryFixtures.PushTargetAsync(repository);
        await NotaryFixtures.AttachSignatureAsync(repository, target, await NotaryFixtures.BytesAsync("jws/" + envelope));
        return (TestRegistry.Image(repository), new PushedManifestInfo(target.Digest));
    }

    private async Task<AttestorOutcome> VerifyAsync(string image, NotaryAttestorSpec attestor)
    {
        using var client = TestRegistry.NewClient();
        return await TestRegistry.NewVerifier(client, Verifier()).VerifySignatureAsync(image, attestor, RegistryAccess.Default, CancellationToken.None);
    }

    [TestMethod]
    public async Task SignedImageVerifiesInFiveRequestsAndAgainInNone()
    {
        var (image, _) = await SignedAsync("notary/signed", "valid-ps256.jws");
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client, Verifier());
        var attestor = await AttestorAsync();

        var mark = await TestRegistry.Registry.MarkAsync();
        var outcome = await verifier.VerifySignatureAsync(image, attestor, RegistryAccess.Default, CancellationToken.None);
        Assert.IsTrue(outcome.Verified, outcome.Reason);
        // resolve (HEAD), referrers API (404 on registry 2.8), referrers fallback tag, signature manifest, envelope blob
        var first = await TestRegistry.Registry.RequestsSinceAsync(mark);
        Assert.HasCount(5, first, TestRegistry.Describe(first));

        mark = await TestRegistry.Registry.MarkAsync();
        Assert.IsTrue((await verifier.VerifySignatureAsync(image, attestor, RegistryAccess.Default, CancellationToken.None)).Verified);
        var second = await TestRegistry.Registry.RequestsSinceAsync(mark);
        Assert.IsEmpty(second, TestRegistry.Describe(second));
    }

    [TestMethod]
    public async Task CoseSignatureVerifies()
    {
        const string repository = "notary/cose";
        var target = await NotaryFixtures.PushTargetAsync(repository);
        await NotaryFixtures.AttachSignatureAsync(repository, target, await NotaryFixtures.CoseAsync(), "application/cose");
        var outcome = await VerifyAsync(TestRegistry.Image(repository), await AttestorAsync());
        Assert.IsTrue(outcome.Verified, outcome.Reason);
        var untrusted = await VerifyAsync(TestRegistry.Image(repository), await AttestorAsync("otherroot"));
        Assert.IsFalse(untrusted.Verified);
        StringAssert.Contains(untrusted.Reason, "signature authenticity");
    }

    [TestMethod]
    public async Task TimestampedSignatureVerifiesWithTsaCerts()
    {
        var (image, _) = await SignedAsync("notary/timestamped", "valid-ps256-timestamped.jws");
        var outcome = await VerifyAsync(image, await AttestorAsync("root", "tsaroot"));
        Assert.IsTrue(outcome.Verified, outcome.Reason);
    }

    [TestMethod]
    [DataRow("bad-tampered-payload.jws", "root", "signature integrity")]
    [DataRow("valid-ps256.jws", "otherroot", "signature authenticity")]
    [DataRow("bad-unknown-critical.jws", "root", "io.example.mustUnderstand")]
    [DataRow("bad-signing-authority.jws", "root", "signingAuthority")]
    [DataRow("bad-expired-leaf.jws", "root", "is not valid at verification time")]
    [DataRow("bad-serverauth.jws", "root", "signature authenticity")]
    [DataRow("bad-timestamp-after-leaf.jws", "root", "is after the validity of certificate", "tsaroot")]
    [DataRow("valid-ps256.jws", "root", "no timestamp countersignature", "tsaroot")]
    public async Task RejectedSignaturesCarryTheirReason(string envelope, string trusted, string reason, string? tsa = null)
    {
        var repository = "notary/neg-" + envelope.Replace(".jws", "") + (tsa is null ? "" : "-tsa");
        var (image, _) = await SignedAsync(repository, envelope);
        var outcome = await VerifyAsync(image, await AttestorAsync(trusted, tsa));
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, "no Notary signature verified: signature sha256:");
        StringAssert.Contains(outcome.Reason, reason);
    }

    [TestMethod]
    public async Task RevocationIsCheckedAgainstTheCrlOnlineAndBecomesANoticeOffline()
    {
        var (good, _) = await SignedAsync("notary/crl-good", "crl-good.jws");
        var (revoked, _) = await SignedAsync("notary/crl-revoked", "bad-crl-revoked.jws");
        var before = NotaryFixtures.CrlRequests;
        var goodOutcome = await VerifyAsync(good, await AttestorAsync());
        Assert.IsTrue(goodOutcome.Verified, goodOutcome.Reason);
        var revokedOutcome = await VerifyAsync(revoked, await AttestorAsync());
        Assert.IsFalse(revokedOutcome.Verified);
        StringAssert.Contains(revokedOutcome.Reason, "revocation");
        StringAssert.Contains(revokedOutcome.Reason, "revoked");
        Assert.IsGreaterThan(before, NotaryFixtures.CrlRequests);

        // --offline-revocation: nothing is fetched, and the unchecked status is not a failure.
        using var client = TestRegistry.NewClient();
        var offline = new RegistryImageVerifier(_ => client, [new NotaryAttestorVerifier(new NotaryVerifyOptions { OfflineRevocation = true })]);
        var fetched = NotaryFixtures.CrlRequests;
        Assert.IsTrue((await offline.VerifySignatureAsync(revoked, await AttestorAsync(), RegistryAccess.Default, CancellationToken.None)).Verified);
        Assert.AreEqual(fetched, NotaryFixtures.CrlRequests);
    }

    [TestMethod]
    public async Task SignatureOfAnotherArtifactFails()
    {
        const string repository = "notary/other-digest";
        var other = await TestRegistry.PushImageAsync(repository, "other");
        var target = await NotaryFixtures.PushTargetAsync(repository);
        // The envelope signs the fixture manifest, but is attached to another image.
        await NotaryFixtures.AttachSignatureAsync(repository, other, await NotaryFixtures.BytesAsync("jws/valid-ps256.jws"));
        var outcome = await VerifyAsync(TestRegistry.Image(repository, "other"), await AttestorAsync());
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, $"the signature covers digest {target.Digest}, the artifact is {other.Digest}");
    }

    [TestMethod]
    public async Task UnsignedImageFails()
    {
        var target = await TestRegistry.PushImageAsync("notary/unsigned");
        var outcome = await VerifyAsync(TestRegistry.Image("notary/unsigned"), await AttestorAsync());
        Assert.IsFalse(outcome.Verified);
        Assert.AreEqual($"no Notary signatures found for {target.Digest}", outcome.Reason);
    }

    [TestMethod]
    public async Task SbomReferrerPayloadOnlyWhenItsOwnSignatureVerifies()
    {
        const string repository = "notary/sbom";
        var (image, _) = await SignedAsync(repository, "valid-ps256.jws");
        var target = await NotaryFixtures.PushTargetAsync(repository);
        var sbom = await TestRegistry.Registry.PushReferrerAsync(repository, target, Sbom.ReferrerType!,
            System.Text.Encoding.UTF8.GetBytes("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[]}"), "application/vnd.cyclonedx+json");
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client, Verifier());
        var attestor = await AttestorAsync();

        // Not signed yet: fails, and no payload is ever handed out.
        var unsigned = await verifier.VerifyAttestationAsync(image, Sbom, attestor, RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(unsigned.Verified);
        StringAssert.Contains(unsigned.Reason, $"no Notary signatures found for {sbom.Digest}");
        Assert.IsNull(await verifier.GetVerifiedPayloadAsync(image, Sbom, RegistryAccess.Default, CancellationToken.None));

        // Signed by an untrusted chain: still no payload (a fresh run, since verdicts are memoised for the run).
        await NotaryFixtures.AttachSignatureAsync(repository, sbom, await NotaryFixtures.JwsAsync(sbom, "selfleaf", "PS384", "selfleaf"));
        using var client2 = TestRegistry.NewClient();
        var verifier2 = TestRegistry.NewVerifier(client2, Verifier());
        var untrusted = await verifier2.VerifyAttestationAsync(image, Sbom, attestor, RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(untrusted.Verified);
        StringAssert.Contains(untrusted.Reason, "signature authenticity");
        Assert.IsNull(await verifier2.GetVerifiedPayloadAsync(image, Sbom, RegistryAccess.Default, CancellationToken.None));

        // Signed by the trusted chain: verified, and the SBOM is the payload.
        await NotaryFixtures.AttachSignatureAsync(repository, sbom, await NotaryFixtures.JwsAsync(sbom, "leaf", "PS256", "leaf", "intermediate", "root"));
        using var client3 = TestRegistry.NewClient();
        var verifier3 = TestRegistry.NewVerifier(client3, Verifier());
        var mark = await TestRegistry.Registry.MarkAsync();
        var verified = await verifier3.VerifyAttestationAsync(image, Sbom, attestor, RegistryAccess.Default, CancellationToken.None);
        Assert.IsTrue(verified.Verified, verified.Reason);
        var requests = await TestRegistry.Registry.RequestsSinceAsync(mark);
        var payload = await verifier3.GetVerifiedPayloadAsync(image, Sbom, RegistryAccess.Default, CancellationToken.None);
        Assert.AreEqual("CycloneDX", payload?["bomFormat"]?.GetValue<string>());
        Assert.IsTrue((await verifier3.VerifySignatureAsync(image, attestor, RegistryAccess.Default, CancellationToken.None)).Verified);
        Console.WriteLine($"notary SBOM attestation: {requests.Count} requests: {TestRegistry.Describe(requests)}");
        Assert.IsLessThanOrEqualTo(12, requests.Count, TestRegistry.Describe(requests));
    }

    [TestMethod]
    public async Task CosignTypedAttestationIsRejectedByTheNotaryAttestor()
    {
        var (image, _) = await SignedAsync("notary/intoto", "valid-ps256.jws");
        using var client = TestRegistry.NewClient();
        var outcome = await TestRegistry.NewVerifier(client, Verifier()).VerifyAttestationAsync(image, new AttestationSpec("prov", "slsaprovenance1", null), await AttestorAsync(), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, "referrer attestations only");
    }

    private sealed record PushedManifestInfo(string Digest);
}
