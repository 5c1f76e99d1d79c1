using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Cosign;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Formats;
using ImageGate.Sigstore.Trust;
using ImageGate.TestSupport.Signing;

namespace ImageGate.Sigstore.Tests;

/// <summary>Every generated fixture gets the verdict sigstore-js gives it; every rejection has its specific reason.</summary>
[TestClass]
public sealed class FixtureMatrixTests
{
    /// <summary>Case name → the reason our verifier must give (null: it must verify); shared with the apply-level matrix.</summary>
    private static IReadOnlyDictionary<string, string?> Expected => SigstoreFixtureMatrix.ExpectedReasons;

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
