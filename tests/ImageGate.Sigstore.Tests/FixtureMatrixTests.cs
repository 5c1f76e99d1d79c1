using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Cosign;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Formats;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Tests;

/// <summary>Every generated fixture gets the verdict sigstore-js gives it; every rejection has its specific reason.</summary>
[TestClass]
public sealed class FixtureMatrixTests
{
    /// <summary>Case name → the reason our verifier must give (null: it must verify).</summary>
    private static readonly Dictionary<string, string?> Expected = new()
    {
        ["keyless-dsse-sign"] = null,
        ["keyless-dsse-provenance"] = null,
        ["keyless-intoto-v01"] = null,
        ["keyless-message"] = null,
        ["keyless-message-v02"] = null,
        ["keyless-message-v01"] = null,
        ["key-dsse"] = null,
        ["keyless-rekor-v2-dsse"] = null,
        ["neg-rekor-v2-other-signature"] = "transparency log entry does not match the signature: different DSSE signature",
        ["neg-wrong-key"] = "DSSE envelope signature mismatch: the ECDSA P-256 signature does not verify with the given key",
        ["neg-wrong-subject"] = "certificate identity mismatch: subject \"https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main\" does not match \"https://github.com/evil/app\"",
        ["neg-wrong-issuer"] = "certificate issuer mismatch: issuer \"https://token.actions.githubusercontent.com\" does not match \"https://accounts.google.com\"",
        ["neg-other-digest"] = "no matching subject digest found",
        ["neg-other-artifact"] = "artifact digest mismatch",
        ["neg-tampered-payload"] = "DSSE envelope signature mismatch",
        ["neg-tampered-certificate"] = "signing certificate does not chain to a trusted root",
        ["neg-expired-no-timestamp"] = "signing certificate expired or not yet valid",
        ["neg-untrusted-root"] = "signing certificate does not chain to a trusted root",
        ["neg-set-other-key"] = "signed entry timestamp does not verify with the key of transparency log",
        ["neg-proof-other-tree"] = "inclusion proof does not match the root hash",
        ["neg-sct-unknown-log"] = "embedded SCT verification failed: SCT from unknown CT log",
        ["neg-predicate-mismatch"] = "predicate type mismatch: required predicate type https://cyclonedx.org/bom not found, found [https://slsa.dev/provenance/v1]",
        ["neg-dsse-subject"] = "no matching subject digest found",
        ["key-p256"] = null,
        ["key-p384"] = null,
        ["key-p384-sha384"] = null,
        ["neg-key-p384-sha384-default-hash"] = "signature mismatch: the ECDSA P-384 signature does not verify with the given key and hash SHA256",
        ["key-p521-sha512"] = null,
        ["key-rsa2048"] = null,
        ["neg-key-rsa-pss"] = "RSA-PSS signature rejected",
        ["key-ed25519"] = null,
        ["neg-key-wrong-key"] = "signature mismatch: the ECDSA P-384 signature does not verify",
        ["neg-key-other-digest"] = "invalid or missing digest in claim",
        ["neg-key-tampered-payload"] = "signature mismatch: the ECDSA P-256 signature does not verify",
        ["legacy-keyless-sig"] = null,
        ["neg-legacy-keyless-wrong-subject"] = "certificate identity mismatch: subject \"https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main\" does not match \"https://github.com/evil/app\"",
        ["neg-legacy-keyless-other-digest"] = "invalid or missing digest in claim: signed digest",
        ["legacy-key-tlog-sig"] = null,
        ["neg-legacy-key-tlog-required"] = "cosign signature layer has no transparency log entry, and the transparency log is required",
        ["legacy-cert-attestor"] = null,
        ["legacy-key-att"] = null,
        ["legacy-keyless-att"] = null,
        ["neg-legacy-keyless-att-forged-set"] = "transparency log verification failed: signed entry timestamp does not verify",
        ["neg-legacy-key-att-predicate"] = "predicate type mismatch: required predicate type https://slsa.dev/provenance/v1 not found, found [https://cyclonedx.org/bom]",
        ["neg-legacy-key-att-other-digest"] = "no matching subject digest found",
        ["neg-legacy-key-att-wrong-key"] = "DSSE envelope signature mismatch",
        ["neg-legacy-cert-attestor-other-cert"] = "signature mismatch: the ECDSA P-256 signature does not verify",
    };

    public static IEnumerable<object[]> Cases => Expected.Keys.Select(k => new object[] { k });

    /// <summary>Generates the fixtures with sigstore-js (node) into the test work folder before any case runs.</summary>
    [ClassInitialize]
    public static void GenerateFixtures(TestContext context) => GeneratedFixtures.Get();

    [TestMethod]
    public void EveryGeneratedCaseIsChecked()
    {
        var names = GeneratedFixtures.Get().Manifest.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToHashSet();
        CollectionAssert.AreEquivalent(Expected.Keys.ToList(), names.ToList());
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void VerdictEqualsSigstoreJsAndReasonIsSpecific(string name)
    {
        var fx = GeneratedFixtures.Get();
        var c = fx.Case(name);
        var reference = c.GetProperty("reference").GetProperty("verified").GetBoolean();
        var result = Verify(fx, c);
        var context = $"{name} ({c.GetProperty("description").GetString()}): ours={result}, sigstore-js={c.GetProperty("reference").GetProperty("reason").GetString()}";
        Assert.AreEqual(reference, result.Verified, context);
        var expected = Expected[name];
        Assert.AreEqual(expected is null, result.Verified, "expectation table disagrees: " + context);
        if (expected is not null)
        {
            StringAssert.Contains(result.FailureReason, expected, context);
        }
    }

    internal static SignatureVerificationResult Verify(GeneratedFixtures.Fixtures fx, JsonElement c, Func<VerificationPolicy, VerificationPolicy>? adjust = null)
    {
        var p = c.GetProperty("policy");
        string? Str(string n) => p.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var policy = new VerificationPolicy
        {
            Key = Str("key") is { } key ? VerificationKey.FromPem(File.ReadAllText(fx.Path(key))) : null,
            KeyHash = SignatureChecks.ParseHashAlgorithm(Str("hash")),
            Identities = Str("identity") is { } id ? [new CertificateIdentity(id, Str("issuer"))] : [],
            Trust = Str("trustedRoot") is { } root ? TrustedMaterial.FromRoot(TrustedRoot.Load(fx.Path(root))) : null,
            IgnoreTlog = p.TryGetProperty("ignoreTlog", out var ignore) && ignore.GetBoolean(),
            Certificate = Str("certificate") is { } cert ? X509CertificateLoader.LoadCertificateFromFile(fx.Path(cert)) : null,
            CertificateChain = Str("certChain") is { } chain ? [X509CertificateLoader.LoadCertificateFromFile(fx.Path(chain))] : [],
        };
        policy = adjust?.Invoke(policy) ?? policy;
        if (c.GetProperty("kind").GetString() == "simple-signing")
        {
            var layer = new CosignLayer(SimpleSigningPayload.MediaType, File.ReadAllBytes(fx.Path(c.GetProperty("payload").GetString()!)),
                new Dictionary<string, string> { [CosignLayer.SignatureAnnotation] = c.GetProperty("signature").GetString()! });
            return CosignLayerVerifier.Verify(layer, Str("digest")!, policy);
        }
        if (c.GetProperty("kind").GetString() == "cosign-layer")
        {
            var l = c.GetProperty("layer");
            var annotations = l.GetProperty("annotations").EnumerateObject().ToDictionary(a => a.Name, a => a.Value.GetString()!);
            var layer = new CosignLayer(l.GetProperty("mediaType").GetString()!, File.ReadAllBytes(fx.Path(l.GetProperty("payload").GetString()!)), annotations);
            return WithPredicate(CosignLayerVerifier.Verify(layer, Str("digest")!, policy), Str("predicateType"));
        }
        var artifact = Str("artifact") is { } file ? BundleArtifact.FromBytes(File.ReadAllBytes(fx.Path(file))) : BundleArtifact.FromDigest(Str("digest")!);
        return WithPredicate(BundleVerifier.Verify(File.ReadAllBytes(fx.Path(c.GetProperty("bundle").GetString()!)), artifact, policy), Str("predicateType"));
    }

    private static SignatureVerificationResult WithPredicate(SignatureVerificationResult result, string? predicateType)
    {
        if (result.Verified && predicateType is not null)
        {
            var match = PredicateTypes.Match(result.Statement!, predicateType);
            if (!match.Verified)
            {
                return new SignatureVerificationResult(false, match.FailureReason);
            }
        }
        return result;
    }
}
