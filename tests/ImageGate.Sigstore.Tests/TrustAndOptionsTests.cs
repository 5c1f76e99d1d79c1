using System.Text;
using System.Text.Json.Nodes;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Cosign;
using ImageGate.Sigstore.Formats;
using ImageGate.Sigstore.Trust;
using ImageGate.TestSupport;

namespace ImageGate.Sigstore.Tests;

/// <summary>Trust material precedence (explicit material wins, decision E5) and the insecure/required switches,
/// on the generated sigstore-js fixtures.</summary>
[TestClass]
public sealed class TrustAndOptionsTests
{
    private static GeneratedFixtures.Fixtures Fx => GeneratedFixtures.Get();

    private static byte[] Bundle(string name) => File.ReadAllBytes(Fx.Path(name + ".bundle.json"));

    private static TrustedRoot Root(string file = "trusted_root.json") => TrustedRoot.Load(Fx.Path(file));

    private static string Pem(string file) => File.ReadAllText(Fx.Path(file));

    private static VerificationPolicy Keyless(TrustedMaterial trust) => new()
    {
        Identities = [new CertificateIdentity(Fx.Manifest.GetProperty("identity").GetString(), Fx.Manifest.GetProperty("issuer").GetString())],
        Trust = trust,
    };

    private static SignatureVerificationResult VerifySign(VerificationPolicy policy, string name = "keyless-dsse-sign") =>
        BundleVerifier.Verify(Bundle(name), BundleArtifact.FromDigest(Fx.ImageDigest), policy);

    [TestMethod]
    public void ExplicitPemMaterialAloneVerifiesKeylessBundle()
    {
        var trust = TrustedMaterial.Combine(null, new ExplicitTrustMaterial(Pem("fulcio_roots.pem"), Pem("rekor.pub"), Pem("ctfe.pub"), Pem("tsa_chain.pem")));
        var result = VerifySign(Keyless(trust));
        Assert.IsTrue(result.Verified, result.FailureReason);
        Assert.IsTrue(result.ObservedTimes.Count >= 2, "both the integrated time and the TSA time are observed");
    }

    [TestMethod]
    public void ExplicitRekorKeyWinsOverTrustedRoot()
    {
        var trust = TrustedMaterial.Combine(Root(), new ExplicitTrustMaterial(RekorPublicKeyPem: Pem("other_rekor.pub")));
        var result = VerifySign(Keyless(trust));
        Assert.IsFalse(result.Verified);
        StringAssert.Contains(result.FailureReason, "transparency log entry from unknown log");
    }

    [TestMethod]
    public void ExplicitFulcioRootsWinOverTrustedRoot()
    {
        Assert.IsFalse(VerifySign(Keyless(TrustedMaterial.FromRoot(Root("trusted_root_other_ca.json")))).Verified);
        var trust = TrustedMaterial.Combine(Root("trusted_root_other_ca.json"), new ExplicitTrustMaterial(FulcioRootsPem: Pem("fulcio_roots.pem")));
        var result = VerifySign(Keyless(trust));
        Assert.IsTrue(result.Verified, result.FailureReason);
    }

    [TestMethod]
    public void ExplicitCtLogKeyWinsOverTrustedRoot()
    {
        Assert.IsFalse(VerifySign(Keyless(TrustedMaterial.FromRoot(Root("trusted_root_other_ctlog.json")))).Verified);
        var trust = TrustedMaterial.Combine(Root("trusted_root_other_ctlog.json"), new ExplicitTrustMaterial(CtLogPublicKeyPem: Pem("ctfe.pub")));
        Assert.IsTrue(VerifySign(Keyless(trust)).Verified);
    }

    [TestMethod]
    public void InsecureIgnoreSctAcceptsAnUnknownCtLog()
    {
        var policy = Keyless(TrustedMaterial.FromRoot(Root("trusted_root_other_ctlog.json"))) with { IgnoreSct = true };
        Assert.IsTrue(VerifySign(policy).Verified);
    }

    [TestMethod]
    public void InsecureIgnoreTlogStillNeedsAValidTimeForKeyless()
    {
        // The RFC 3161 timestamp still proves the signing time, so the short-lived certificate verifies.
        var policy = Keyless(TrustedMaterial.FromRoot(Root())) with { IgnoreTlog = true };
        var result = VerifySign(policy);
        Assert.IsTrue(result.Verified, result.FailureReason);
        Assert.AreEqual(1, result.ObservedTimes.Count);
    }

    [TestMethod]
    public void RekorV2EntryWithoutTimestampHasNoSigningTime()
    {
        var node = JsonNode.Parse(Bundle("keyless-rekor-v2-dsse"))!;
        node["verificationMaterial"]!.AsObject().Remove("timestampVerificationData");
        var result = BundleVerifier.Verify(Encoding.UTF8.GetBytes(node.ToJsonString()), BundleArtifact.FromDigest(Fx.ImageDigest), Keyless(TrustedMaterial.FromRoot(Root())));
        Assert.IsFalse(result.Verified);
        StringAssert.Contains(result.FailureReason, "no verified signing time");
        var withTsa = VerifySign(Keyless(TrustedMaterial.FromRoot(Root())), "keyless-rekor-v2-dsse");
        Assert.IsTrue(withTsa.Verified, withTsa.FailureReason);
        Assert.AreEqual(1, withTsa.ObservedTimes.Count, "only the TSA time");
    }

    [TestMethod]
    public void TamperedTimestampIsRejected()
    {
        var node = JsonNode.Parse(Bundle("keyless-dsse-sign"))!;
        var ts = node["verificationMaterial"]!["timestampVerificationData"]!["rfc3161Timestamps"]![0]!;
        var der = Convert.FromBase64String((string)ts["signedTimestamp"]!);
        der[^5] ^= 0x01; // inside the CMS signature
        ts["signedTimestamp"] = Convert.ToBase64String(der);
        var result = BundleVerifier.Verify(Encoding.UTF8.GetBytes(node.ToJsonString()), BundleArtifact.FromDigest(Fx.ImageDigest), Keyless(TrustedMaterial.FromRoot(Root())));
        Assert.IsFalse(result.Verified);
        StringAssert.Contains(result.FailureReason, "RFC 3161 timestamp");
    }

    [TestMethod]
    public void TsaCertChainMakesATimestampMandatory()
    {
        var c = Fx.Case("key-p256");
        var layer = new CosignLayer(SimpleSigningPayload.MediaType, File.ReadAllBytes(Fx.Path(c.GetProperty("payload").GetString()!)),
            new Dictionary<string, string> { [CosignLayer.SignatureAnnotation] = c.GetProperty("signature").GetString()! });
        var policy = new VerificationPolicy
        {
            Key = Crypto.VerificationKey.FromPem(Pem("simple-p256.pub")),
            IgnoreTlog = true,
            Trust = TrustedMaterial.Combine(null, new ExplicitTrustMaterial(TsaCertChainPem: Pem("tsa_chain.pem"))),
        };
        var result = CosignLayerVerifier.Verify(layer, Fx.ImageDigest, policy);
        Assert.IsFalse(result.Verified);
        StringAssert.Contains(result.FailureReason, "has no RFC 3161 timestamp, and a signed timestamp is required");
        Assert.IsTrue(CosignLayerVerifier.Verify(layer, Fx.ImageDigest, policy with { Trust = null }).Verified);
    }

    [TestMethod]
    public void LegacyKeylessLayerWithRequiredTimestampVerifiesTheAnnotation()
    {
        var c = Fx.Case("legacy-keyless-sig");
        var l = c.GetProperty("layer");
        var annotations = l.GetProperty("annotations").EnumerateObject().ToDictionary(a => a.Name, a => a.Value.GetString()!);
        var layer = new CosignLayer(SimpleSigningPayload.MediaType, File.ReadAllBytes(Fx.Path(l.GetProperty("payload").GetString()!)), annotations);
        var policy = Keyless(TrustedMaterial.FromRoot(Root())) with { RequireTimestamp = true };
        var result = CosignLayerVerifier.Verify(layer, Fx.ImageDigest, policy);
        Assert.IsTrue(result.Verified, result.FailureReason);
        Assert.AreEqual(2, result.ObservedTimes.Count);
        Assert.AreEqual("https://token.actions.githubusercontent.com", result.Identity!.Issuer);

        annotations[CosignLayer.TimestampAnnotation] = "{\"SignedRFC3161Timestamp\":\"" + Convert.ToBase64String(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x02 }) + "\"}";
        var bad = CosignLayerVerifier.Verify(layer with { Annotations = annotations }, Fx.ImageDigest, policy);
        Assert.IsFalse(bad.Verified);
        StringAssert.Contains(bad.FailureReason, "RFC 3161");
    }

    [TestMethod]
    public void LegacyKeylessAttestationTimestampCoversTheEnvelope()
    {
        var c = Fx.Case("legacy-keyless-att");
        var l = c.GetProperty("layer");
        var annotations = l.GetProperty("annotations").EnumerateObject().ToDictionary(a => a.Name, a => a.Value.GetString()!);
        var layer = new CosignLayer(CosignLayer.DsseMediaType, File.ReadAllBytes(Fx.Path(l.GetProperty("payload").GetString()!)), annotations);
        var policy = Keyless(TrustedMaterial.FromRoot(Root())) with { RequireTimestamp = true };
        var result = CosignLayerVerifier.Verify(layer, Fx.ImageDigest, policy);
        Assert.IsTrue(result.Verified, result.FailureReason);
        Assert.AreEqual(2, result.ObservedTimes.Count, "integrated time and TSA time");
        Assert.AreEqual(PredicateTypes.Normalize("custom"), result.Statement!.PredicateType);
        Assert.AreEqual(InTotoStatement.V01, result.Statement.Type);

        // Without the log the TSA time alone proves the signing time; without both, the short-lived certificate has expired.
        Assert.IsTrue(CosignLayerVerifier.Verify(layer, Fx.ImageDigest, policy with { IgnoreTlog = true }).Verified);
        var noTime = CosignLayerVerifier.Verify(layer, Fx.ImageDigest, policy with { IgnoreTlog = true, RequireTimestamp = false, Now = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.IsFalse(noTime.Verified);
        StringAssert.Contains(noTime.FailureReason, "expected a signed timestamp to verify an expired certificate");
    }

    [TestMethod]
    public void ConformancePolicyVerifiesFileArtifactAndDigest()
    {
        var root = Root();
        var id = Fx.Manifest.GetProperty("identity").GetString();
        var iss = Fx.Manifest.GetProperty("issuer").GetString();
        var byPath = BundleVerifier.Verify(Bundle("keyless-message"), BundleArtifact.FromPathOrDigest(Fx.Path("artifact.txt")), VerificationPolicy.ForBundle(id, iss, null, root));
        Assert.IsTrue(byPath.Verified, byPath.FailureReason);
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Fx.Path("artifact.txt"))));
        var byDigest = BundleVerifier.Verify(Bundle("keyless-message"), BundleArtifact.FromPathOrDigest(digest), VerificationPolicy.ForBundle(id, iss, null, root));
        Assert.IsTrue(byDigest.Verified, byDigest.FailureReason);
        var byKey = BundleVerifier.Verify(Bundle("key-dsse"), BundleArtifact.FromDigest(Fx.ImageDigest), VerificationPolicy.ForBundle(null, null, Pem("cosign-p256.pub"), root));
        Assert.IsTrue(byKey.Verified, byKey.FailureReason);
        Assert.ThrowsExactly<SigstoreConfigurationException>(() => VerificationPolicy.ForBundle(id, null, null, root));
        Assert.ThrowsExactly<SigstoreConfigurationException>(() => BundleArtifact.FromPathOrDigest(Fx.Path("no-such-file")));
    }

    [TestMethod]
    public void ImageBundlesMustBeDsseAndAtLeastV03()
    {
        var policy = Keyless(TrustedMaterial.FromRoot(Root()));
        Assert.IsTrue(BundleVerifier.VerifyImageBundle(Bundle("keyless-dsse-sign"), Fx.ImageDigest, policy).Verified);
        StringAssert.Contains(BundleVerifier.VerifyImageBundle(Bundle("keyless-message"), Fx.ImageDigest, policy).FailureReason, "bundle does not contain a DSSE envelope");
        StringAssert.Contains(BundleVerifier.VerifyImageBundle(Bundle("keyless-message-v02"), Fx.ImageDigest, policy).FailureReason, "image bundles must be v0.3 or later, found v0.2");
        StringAssert.Contains(BundleVerifier.VerifyImageBundle(Bundle("neg-dsse-subject"), Fx.ImageDigest, policy).FailureReason, "no matching subject digest found");
    }

    [TestMethod]
    public void TrustedRootErrorsNameTheirSource()
    {
        var path = Path.Combine(RepoPaths.TestWork, "broken_trusted_root.json");
        File.WriteAllText(path, "{\"tlogs\":[{\"publicKey\":{}}]}");
        var ex = Assert.ThrowsExactly<SigstoreConfigurationException>(() => TrustedRoot.Load(path));
        StringAssert.Contains(ex.Message, path);
        StringAssert.Contains(ex.Message, "rawBytes");
        var json = Assert.ThrowsExactly<SigstoreConfigurationException>(() => TrustedRoot.Parse("{not json", "attestor keyless trustedRoot"));
        StringAssert.StartsWith(json.Message, "attestor keyless trustedRoot: invalid trusted root");
    }

    [TestMethod]
    public void EmbeddedPublicGoodRootHasEveryKindOfAuthority()
    {
        var root = TrustedRoot.PublicGood;
        Assert.IsTrue(root.TransparencyLogs.Count > 0);
        Assert.IsTrue(root.CertificateAuthorities.Count > 0);
        Assert.IsTrue(root.CtLogs.Count > 0);
        Assert.IsTrue(root.TimestampAuthorities.Count > 0);
        Assert.IsTrue(root.TransparencyLogs.Any(l => l.BaseUrl == "https://rekor.sigstore.dev"));
    }
}
