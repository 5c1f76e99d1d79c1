using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;

namespace ImageGate.Verification.Tests;

/// <summary>Keyless Cosign signatures made by sigstore-js against a loopback mock Fulcio/Rekor/TSA
/// (tests/fixtures/attestors/cosign-image-fixtures.js): a legacy <c>.sig</c> layer, and Sigstore bundles attached as
/// OCI referrers, checked through the port with the mock's trusted root.</summary>
[TestClass]
public sealed class CosignKeylessTests
{
    private const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
    private const string Legacy = "keyless/legacy";
    private const string Bundles = "keyless/bundles";
    private const string OtherSubject = "keyless/other-subject";
    private const string ProvenanceOnly = "keyless/provenance-only";
    private const string KeyTlog = "keyless/key-tlog";
    private const string KeyBundle = "keyless/key-bundle";
    private const string TamperedCertificate = "keyless/tampered-certificate";
    private const string TamperedBundle = "keyless/tampered-bundle";
    private static string fixtures = "";
    private static string trustedRoot = "";
    private static KeylessIdentitySpec identity = null!;
    private static Dictionary<string, string> keylessAnnotations = null!;
    private static string keyPem = "";

    [ClassInitialize]
    public static async Task GenerateAsync(TestContext _)
    {
        var seed = "keyless-" + Guid.NewGuid().ToString("N");
        var image = await TestRegistry.PushImageAsync(Legacy, "v1", seed);
        foreach (var repository in new[] { Bundles, OtherSubject, ProvenanceOnly, KeyTlog, KeyBundle, TamperedCertificate, TamperedBundle })
        {
            Assert.AreEqual(image.Digest, (await TestRegistry.PushImageAsync(repository, "v1", seed)).Digest);
        }
        var generated = await SigstoreImageFixtures.GenerateAsync(Path.Combine(TestRegistry.WorkDirectory, "cosign-keyless"), image.Digest, $"{TestRegistry.Registry.Host}/{Legacy}");
        fixtures = generated.Directory;
        trustedRoot = generated.TrustedRootJson;
        identity = new KeylessIdentitySpec(generated.Issuer, generated.Subject, null, null);
        Task<PushedManifest> AttachAsync(string repository, string file, string? predicateType) => generated.AttachBundleAsync(TestRegistry.Registry, repository, image, file, predicateType);

        keylessAnnotations = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(fixtures, "keyless-sig.annotations.json")))!;
        var payload = await File.ReadAllBytesAsync(Path.Combine(fixtures, "keyless-sig.payload.json"));
        await CosignLayout.PushAsync(Legacy, CosignLayout.Tag(image.Digest, "sig"), [(payload, CosignLayout.SimpleSigning, keylessAnnotations)]);
        var keyAnnotations = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(fixtures, "key-sig.annotations.json")))!;
        await CosignLayout.PushAsync(KeyTlog, CosignLayout.Tag(image.Digest, "sig"), [(payload, CosignLayout.SimpleSigning, keyAnnotations)]);
        keyPem = await File.ReadAllTextAsync(Path.Combine(fixtures, "key.pub"));

        // One bit of the certificate's CA signature flipped: still DER, no longer issued by the CA.
        var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(keylessAnnotations["dev.sigstore.cosign/certificate"]).RawData;
        certificate[^10] ^= 0x01;
        var tampered = new Dictionary<string, string>(keylessAnnotations)
        {
            ["dev.sigstore.cosign/certificate"] = new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", certificate)) + "\n",
        };
        await CosignLayout.PushAsync(TamperedCertificate, CosignLayout.Tag(image.Digest, "sig"), [(payload, CosignLayout.SimpleSigning, tampered)]);

        // The DSSE payload replaced after signing (same subject, other predicate content).
        await generated.WriteTamperedBundleAsync(image.Digest);
        await AttachAsync(TamperedBundle, "bundle-tampered.json", "https://sigstore.dev/cosign/sign/v1");
        await AttachAsync(KeyBundle, "bundle-key-sign.json", "https://sigstore.dev/cosign/sign/v1");
        await AttachAsync(Bundles, "bundle-sign.json", "https://sigstore.dev/cosign/sign/v1");
        await AttachAsync(Bundles, "bundle-provenance.json", "https://slsa.dev/provenance/v1");
        await AttachAsync(OtherSubject, "bundle-other-subject.json", "https://sigstore.dev/cosign/sign/v1");
        // Without the predicate-type annotation, so the bundle is fetched and verified before its predicate is seen.
        await AttachAsync(ProvenanceOnly, "bundle-provenance.json", null);
    }

    private static CosignAttestorSpec Keyless(params KeylessIdentitySpec[] identities) =>
        new("keyless") { KeylessIdentities = identities.Length == 0 ? [identity] : identities, TrustedRootJson = trustedRoot };

    private static async Task<(AttestorOutcome Outcome, IReadOnlyList<AccessLogEntry> Requests)> VerifyAsync(string repository, CosignAttestorSpec attestor)
    {
        using var client = TestRegistry.NewClient();
        var mark = await TestRegistry.Registry.MarkAsync();
        var outcome = await TestRegistry.NewVerifier(client).VerifySignatureAsync(TestRegistry.Image(repository), attestor, RegistryAccess.Default, CancellationToken.None);
        return (outcome, await TestRegistry.Registry.RequestsSinceAsync(mark));
    }

    [TestMethod]
    public async Task LegacyKeylessSignatureVerifiesInThreeRequests()
    {
        var (outcome, requests) = await VerifyAsync(Legacy, Keyless());
        Assert.IsTrue(outcome.Verified, outcome.Reason);
        Assert.HasCount(3, requests, TestRegistry.Describe(requests));
    }

    [TestMethod]
    public async Task LegacyKeylessWrongSubjectOrIssuerFails()
    {
        var wrongSubject = await VerifyAsync(Legacy, Keyless(identity with { Subject = "https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main" }));
        Assert.IsFalse(wrongSubject.Outcome.Verified);
        StringAssert.StartsWith(wrongSubject.Outcome.Reason, "no signature verified: signature 1: ");
        StringAssert.Contains(wrongSubject.Outcome.Reason, "evil");
        var wrongIssuer = await VerifyAsync(Legacy, Keyless(identity with { Issuer = "https://accounts.google.com" }));
        Assert.IsFalse(wrongIssuer.Outcome.Verified);
        StringAssert.Contains(wrongIssuer.Outcome.Reason, "accounts.google.com");
    }

    [TestMethod]
    public async Task SeveralIdentitiesAreAnyOf()
    {
        var other = identity with { Subject = "https://github.com/evil/app" };
        Assert.IsTrue((await VerifyAsync(Legacy, Keyless(other, identity))).Outcome.Verified);
        Assert.IsTrue((await VerifyAsync(Bundles, Keyless(other, identity))).Outcome.Verified);
        Assert.IsTrue((await VerifyAsync(Legacy, Keyless(new KeylessIdentitySpec(null, null, "^https://token\\.actions\\.", "github\\.com/acme/app/")))).Outcome.Verified);
    }

    [TestMethod]
    public async Task UntrustedRootFails()
    {
        // Without the mock's trusted root the embedded public-good root applies, and the mock Fulcio is not in it.
        var (outcome, _) = await VerifyAsync(Legacy, Keyless() with { TrustedRootJson = null });
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, "no signature verified: signature 1: ");
    }

    [TestMethod]
    public async Task BundleReferrersVerifyTheSignature()
    {
        var (outcome, requests) = await VerifyAsync(Bundles, Keyless());
        Assert.IsTrue(outcome.Verified, outcome.Reason);
        Console.WriteLine($"bundle signature: {requests.Count} requests: {TestRegistry.Describe(requests)}");
        // resolve, .sig tag (404), referrers API (404), referrers fallback tag, sign bundle manifest + blob; the
        // provenance bundle is not fetched (its annotation names another predicate)
        Assert.HasCount(6, requests, TestRegistry.Describe(requests));
    }

    [TestMethod]
    public async Task BundleWrongIdentityFailsForEveryBundle()
    {
        var (outcome, requests) = await VerifyAsync(Bundles, Keyless(identity with { Subject = "https://github.com/evil/app" }));
        Assert.IsFalse(outcome.Verified);
        StringAssert.StartsWith(outcome.Reason, "no signature verified: bundle sha256:");
        Assert.AreEqual(2, outcome.Reason!.Split("bundle sha256:").Length - 1, outcome.Reason);
        StringAssert.Contains(outcome.Reason, "its predicate type https://slsa.dev/provenance/v1 is not https://sigstore.dev/cosign/sign/v1 (not fetched)");
        Console.WriteLine($"bundle signature, failing: {requests.Count} requests: {TestRegistry.Describe(requests)}");
        Assert.HasCount(6, requests, TestRegistry.Describe(requests));
    }

    [TestMethod]
    public async Task BundleAboutAnotherImageFails()
    {
        var (outcome, _) = await VerifyAsync(OtherSubject, Keyless());
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, "no matching subject digest found");
    }

    [TestMethod]
    public async Task AnAttestationBundleIsNotAnImageSignature()
    {
        var (outcome, _) = await VerifyAsync(ProvenanceOnly, Keyless());
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, "is an attestation of predicate type https://slsa.dev/provenance/v1, not an image signature");
    }

    [TestMethod]
    public async Task ProvenanceBundleIsAVerifiedAttestationWithPayload()
    {
        using var client = TestRegistry.NewClient();
        var verifier = TestRegistry.NewVerifier(client);
        var image = TestRegistry.Image(Bundles);
        var provenance = new AttestationSpec("prov", "slsaprovenance1", null);
        var mark = await TestRegistry.Registry.MarkAsync();
        var outcome = await verifier.VerifyAttestationAsync(image, provenance, Keyless(), RegistryAccess.Default, CancellationToken.None);
        var requests = await TestRegistry.Registry.RequestsSinceAsync(mark);
        Assert.IsTrue(outcome.Verified, outcome.Reason);
        Console.WriteLine($"bundle attestation: {requests.Count} requests: {TestRegistry.Describe(requests)}");
        // resolve, .att tag (404), referrers API (404), fallback tag, provenance manifest + blob (the sign bundle is skipped by its annotation)
        Assert.HasCount(6, requests, TestRegistry.Describe(requests));
        var payload = await verifier.GetVerifiedPayloadAsync(image, provenance, RegistryAccess.Default, CancellationToken.None);
        Assert.AreEqual("https://slsa.dev/provenance/v1", payload?["predicateType"]?.GetValue<string>());
        Assert.AreEqual("https://example.com/builder", payload?["predicate"]?["runDetails"]?["builder"]?["id"]?.GetValue<string>());

        var sbom = new AttestationSpec("sbom", "cyclonedx", null);
        var missing = await verifier.VerifyAttestationAsync(image, sbom, Keyless(), RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(missing.Verified);
        Assert.IsNull(await verifier.GetVerifiedPayloadAsync(image, sbom, RegistryAccess.Default, CancellationToken.None));
    }

    [TestMethod]
    public async Task KeySignaturesWithTransparencyLogVerifyAgainstTheTrustedRoot()
    {
        var attestor = new CosignAttestorSpec("key-tlog") { PublicKeyPem = keyPem, TrustedRootJson = trustedRoot };
        var legacy = await VerifyAsync(KeyTlog, attestor);
        Assert.IsTrue(legacy.Outcome.Verified, legacy.Outcome.Reason);
        var bundle = await VerifyAsync(KeyBundle, attestor);
        Assert.IsTrue(bundle.Outcome.Verified, bundle.Outcome.Reason);

        // The embedded public-good root does not know the mock Rekor: the log entry cannot be trusted.
        var publicGood = await VerifyAsync(KeyTlog, attestor with { TrustedRootJson = null });
        Assert.IsFalse(publicGood.Outcome.Verified);
        StringAssert.Contains(publicGood.Outcome.Reason, "transparency log");

        var otherKey = (await Openssl.GenerateKeyAsync("keyless-other-key")).PublicKeyPem;
        var wrongKey = await VerifyAsync(KeyBundle, attestor with { PublicKeyPem = otherKey });
        Assert.IsFalse(wrongKey.Outcome.Verified);
        StringAssert.StartsWith(wrongKey.Outcome.Reason, "no signature verified: bundle sha256:");
    }

    [TestMethod]
    public async Task CertificateAttestorUsesTheConfiguredCertificate()
    {
        var attestor = new CosignAttestorSpec("cert")
        {
            CertificatePem = keylessAnnotations["dev.sigstore.cosign/certificate"],
            CertificateChainPem = keylessAnnotations["dev.sigstore.cosign/chain"],
            TrustedRootJson = trustedRoot,
        };
        var (outcome, _) = await VerifyAsync(Legacy, attestor);
        Assert.IsTrue(outcome.Verified, outcome.Reason);

        var key = await Openssl.GenerateKeyAsync("keyless-self-signed");
        var certificatePath = key.PrivateKeyPath + ".crt";
        await ExternalTools.RunAsync("openssl", ["req", "-x509", "-new", "-key", key.PrivateKeyPath, "-subj", "/CN=someone else", "-days", "1", "-out", certificatePath]);
        var other = await VerifyAsync(Legacy, attestor with { CertificatePem = await File.ReadAllTextAsync(certificatePath), CertificateChainPem = null });
        Assert.IsFalse(other.Outcome.Verified);
        StringAssert.StartsWith(other.Outcome.Reason, "no signature verified: signature 1: ");
    }

    [TestMethod]
    public async Task AnnotationsInBundleModeAreMatchedOnTheStatementSubject()
    {
        var (outcome, _) = await VerifyAsync(Bundles, Keyless() with { Annotations = new Dictionary<string, string> { ["env"] = "prod" } });
        Assert.IsFalse(outcome.Verified);
        StringAssert.Contains(outcome.Reason, "missing or incorrect annotation: \"env\" is not in the signed statement");
    }

    [TestMethod]
    public async Task TamperedCertificateOrPayloadFails()
    {
        var certificate = await VerifyAsync(TamperedCertificate, Keyless());
        Assert.IsFalse(certificate.Outcome.Verified);
        StringAssert.StartsWith(certificate.Outcome.Reason, "no signature verified: signature 1: ");
        var bundle = await VerifyAsync(TamperedBundle, Keyless());
        Assert.IsFalse(bundle.Outcome.Verified);
        StringAssert.StartsWith(bundle.Outcome.Reason, "no signature verified: bundle sha256:");
        Console.WriteLine(certificate.Outcome.Reason);
        Console.WriteLine(bundle.Outcome.Reason);
    }

    [TestMethod]
    public async Task WithoutTheLogTheSignedTimestampDatesTheCertificate()
    {
        // Two hours on, the ten-minute Fulcio certificate has expired: only a verified timestamp can date the signature.
        // (One run per repository: the port memoises verdicts per digest, and both repositories hold the same image.)
        using var client = TestRegistry.NewClient();
        RegistryImageVerifier Later() => new(_ => client, [new ImageGate.Verification.Cosign.CosignAttestorVerifier(DateTimeOffset.UtcNow.AddHours(2))]);
        var attestor = Keyless() with { InsecureIgnoreTlog = true };
        var bundle = await Later().VerifySignatureAsync(TestRegistry.Image(Bundles), attestor, RegistryAccess.Default, CancellationToken.None);
        Assert.IsTrue(bundle.Verified, bundle.Reason);
        var legacy = await Later().VerifySignatureAsync(TestRegistry.Image(Legacy), attestor, RegistryAccess.Default, CancellationToken.None);
        Assert.IsFalse(legacy.Verified);
        StringAssert.Contains(legacy.Reason, "expired");
    }
}
