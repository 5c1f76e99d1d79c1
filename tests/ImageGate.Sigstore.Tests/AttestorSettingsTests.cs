using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Cosign;

namespace ImageGate.Sigstore.Tests;

/// <summary>Kyverno-shaped cosign attestor settings become policies that verify the generated fixtures.</summary>
[TestClass]
public sealed class AttestorSettingsTests
{
    private static GeneratedFixtures.Fixtures Fx => GeneratedFixtures.Get();

    private static string Text(string file) => File.ReadAllText(Fx.Path(file));

    private static readonly CertificateIdentity Identity = new("https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main", "https://token.actions.githubusercontent.com");

    [TestMethod]
    public void KeylessWithInlineTrustedRoot()
    {
        var policy = new CosignAttestorSettings { Identities = [Identity], TrustedRootJson = Text("trusted_root.json") }.ToPolicy();
        Assert.IsTrue(BundleVerifier.VerifyImageBundle(File.ReadAllBytes(Fx.Path("keyless-dsse-sign.bundle.json")), Fx.ImageDigest, policy).Verified);
    }

    [TestMethod]
    public void KeylessWithExplicitPemMaterialOnly()
    {
        // The embedded public-good root is the base; every part the mock needs is given explicitly and wins (E5).
        var policy = new CosignAttestorSettings
        {
            Identities = [Identity],
            KeylessRootsPem = Text("fulcio_roots.pem"),
            RekorPublicKeyPem = Text("rekor.pub"),
            CtLogPublicKeyPem = Text("ctfe.pub"),
            TsaCertChainPem = Text("tsa_chain.pem"),
        }.ToPolicy();
        var result = BundleVerifier.VerifyImageBundle(File.ReadAllBytes(Fx.Path("keyless-dsse-sign.bundle.json")), Fx.ImageDigest, policy);
        Assert.IsTrue(result.Verified, result.FailureReason);
    }

    [TestMethod]
    public void KeyWithHashAlgorithmAndIgnoredTlog()
    {
        var c = Fx.Case("key-p384-sha384");
        var layer = new CosignLayer(Formats.SimpleSigningPayload.MediaType, File.ReadAllBytes(Fx.Path(c.GetProperty("payload").GetString()!)),
            new Dictionary<string, string> { [CosignLayer.SignatureAnnotation] = c.GetProperty("signature").GetString()! });
        var settings = new CosignAttestorSettings { KeyPem = Text("simple-p384.pub"), InsecureIgnoreTlog = true };
        StringAssert.Contains(CosignLayerVerifier.Verify(layer, Fx.ImageDigest, settings.ToPolicy()).FailureReason, "signature mismatch");
        Assert.IsTrue(CosignLayerVerifier.Verify(layer, Fx.ImageDigest, (settings with { HashAlgorithm = "sha384" }).ToPolicy()).Verified);
    }

    [TestMethod]
    public void BadSettingsNameTheField()
    {
        StringAssert.Contains(Assert.ThrowsExactly<SigstoreConfigurationException>(() => new CosignAttestorSettings { KeyPem = "garbage" }.ToPolicy()).Message, "cosign attestor key.data");
        StringAssert.Contains(Assert.ThrowsExactly<SigstoreConfigurationException>(() => new CosignAttestorSettings().ToPolicy()).Message, "exactly one of key, certificate or keyless");
        StringAssert.Contains(Assert.ThrowsExactly<SigstoreConfigurationException>(() => new CosignAttestorSettings { Identities = [Identity], TrustedRootJson = "{" }.ToPolicy()).Message, "cosign attestor trustedRoot");
        StringAssert.Contains(Assert.ThrowsExactly<SigstoreConfigurationException>(() => new CosignAttestorSettings { KeyPem = Text("cosign-p256.pub"), HashAlgorithm = "md5" }.ToPolicy()).Message, "hashAlgorithm");
    }
}
