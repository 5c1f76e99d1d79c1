using System.Security.Cryptography;
using System.Text;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Formats;
using ImageGate.Sigstore.Transparency;

namespace ImageGate.Sigstore.Tests;

/// <summary>Small checks of the formats and algorithms, against published vectors and independent constructions.</summary>
[TestClass]
public sealed class PrimitiveTests
{
    [TestMethod]
    public void DssePaeMatchesTheSpecificationVector()
    {
        var pae = DsseEnvelope.Pae("application/vnd.in-toto+json", "{}"u8);
        Assert.AreEqual("445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e2032207b7d", Convert.ToHexStringLower(pae));
    }

    [TestMethod]
    public void DssePaeCountsBytesNotCharacters()
    {
        var pae = Encoding.UTF8.GetString(DsseEnvelope.Pae("t", Encoding.UTF8.GetBytes("é")));
        Assert.AreEqual("DSSEv1 1 t 2 é", pae);
    }

    [TestMethod]
    public void SetPayloadIsCanonicalJsonWithoutEscaping()
    {
        var entry = new TransparencyLogEntry(7, [0xab, 0xcd], "hashedrekord", "0.0.1", 1700000000, null, null, [0xfb, 0xff, 0xbf]);
        Assert.AreEqual("{\"body\":\"+/+/\",\"integratedTime\":1700000000,\"logID\":\"abcd\",\"logIndex\":7}", Encoding.UTF8.GetString(RekorVerifier.SetPayload(entry)));
    }

    /// <summary>Every leaf of trees of 1..33 leaves proves inclusion against an independently computed RFC 6962 root.</summary>
    [TestMethod]
    public void InclusionProofsMatchIndependentMerkleTrees()
    {
        for (var n = 1; n <= 33; n++)
        {
            var leaves = Enumerable.Range(0, n).Select(i => RekorVerifier.LeafHash(Encoding.ASCII.GetBytes("leaf " + i))).ToList();
            var root = Mth(leaves);
            for (var m = 0; m < n; m++)
            {
                var path = AuditPath(m, leaves);
                CollectionAssert.AreEqual(root, RekorVerifier.RootFromProof(m, n, leaves[m], path), $"n={n} m={m}");
                if (path.Count > 0)
                {
                    var wrong = path.Select(p => (byte[])p.Clone()).ToList();
                    wrong[0][0] ^= 1;
                    CollectionAssert.AreNotEqual(root, RekorVerifier.RootFromProof(m, n, leaves[m], wrong));
                }
            }
        }
        Assert.ThrowsExactly<SigstoreVerificationException>(() => RekorVerifier.RootFromProof(5, 5, new byte[32], []));
        Assert.ThrowsExactly<SigstoreVerificationException>(() => RekorVerifier.RootFromProof(0, 4, new byte[32], [new byte[32]]));
    }

    private static byte[] Node(byte[] l, byte[] r) => SHA256.HashData([1, .. l, .. r]);

    private static int SplitPoint(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }
        return k;
    }

    // RFC 6962 §2.1 MTH and PATH, written recursively as the RFC states them.
    private static byte[] Mth(List<byte[]> d) => d.Count == 1 ? d[0] : Node(Mth(d[..SplitPoint(d.Count)]), Mth(d[SplitPoint(d.Count)..]));

    private static List<byte[]> AuditPath(int m, List<byte[]> d)
    {
        if (d.Count == 1)
        {
            return [];
        }
        var k = SplitPoint(d.Count);
        return m < k ? [.. AuditPath(m, d[..k]), Mth(d[k..])] : [.. AuditPath(m - k, d[k..]), Mth(d[..k])];
    }

    [TestMethod]
    [DataRow("application/vnd.dev.sigstore.bundle+json;version=0.1", "0.1")]
    [DataRow("application/vnd.dev.sigstore.bundle+json;version=0.2", "0.2")]
    [DataRow("application/vnd.dev.sigstore.bundle+json;version=0.3", "0.3")]
    [DataRow("application/vnd.dev.sigstore.bundle.v0.3+json", "0.3")]
    public void BundleMediaTypesMapToVersions(string mediaType, string version) =>
        Assert.AreEqual(Version.Parse(version), SigstoreBundle.ParseVersion(mediaType));

    [TestMethod]
    [DataRow("application/vnd.dev.sigstore.bundle.v0.4+json")]
    [DataRow("application/vnd.dev.sigstore.bundle+json;version=1.0")]
    [DataRow("application/json")]
    public void UnsupportedBundleMediaTypesAreRejected(string mediaType)
    {
        var ex = Assert.ThrowsExactly<SigstoreVerificationException>(() => SigstoreBundle.ParseVersion(mediaType));
        StringAssert.Contains(ex.Message, "unsupported bundle media type");
    }

    [TestMethod]
    public void MalformedBundlesFailWithReasons()
    {
        var artifact = BundleArtifact.FromDigest("sha256:" + new string('a', 64));
        var policy = new VerificationPolicy { IgnoreTlog = true };
        StringAssert.Contains(BundleVerifier.Verify("not json"u8.ToArray(), artifact, policy).FailureReason, "malformed bundle");
        StringAssert.Contains(BundleVerifier.Verify("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}"u8.ToArray(), artifact, policy).FailureReason, "no verificationMaterial");
        StringAssert.Contains(BundleVerifier.Verify("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{\"publicKey\":{}}}"u8.ToArray(), artifact, policy).FailureReason, "neither dsseEnvelope nor messageSignature");
        Assert.ThrowsExactly<ArgumentException>(() => BundleArtifact.FromDigest("sha256:xyz"));
    }

    [TestMethod]
    public void PredicateShortNamesAreNormalised()
    {
        Assert.AreEqual("https://slsa.dev/provenance/v1", PredicateTypes.Normalize("slsaprovenance1"));
        Assert.AreEqual("https://cyclonedx.org/bom", PredicateTypes.Normalize("cyclonedx"));
        Assert.AreEqual("https://example.com/x", PredicateTypes.Normalize("https://example.com/x"));
        var statement = InTotoStatement.Parse("{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[{\"name\":\"a\",\"digest\":{\"sha256\":\"AB\"}}],\"predicateType\":\"https://spdx.dev/Document\",\"predicate\":{}}"u8.ToArray());
        Assert.IsTrue(PredicateTypes.Match(statement, "spdx").Verified);
        Assert.IsFalse(PredicateTypes.Match(statement, "cyclonedx").Verified);
        Assert.IsTrue(statement.HasSubjectDigest("sha256:ab"));
    }

    [TestMethod]
    public void UnknownStatementTypeIsRejected()
    {
        var ex = Assert.ThrowsExactly<SigstoreVerificationException>(() => InTotoStatement.Parse("{\"_type\":\"https://example.com/Statement\"}"u8.ToArray()));
        StringAssert.Contains(ex.Message, "unsupported in-toto statement type");
    }

    [TestMethod]
    public void SimpleSigningOptionalAnnotationsMustMatch()
    {
        var digest = "sha256:" + new string('1', 64);
        var payload = SimpleSigningPayload.Parse(Encoding.UTF8.GetBytes(
            "{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"cosign container image signature\"},\"optional\":{\"env\":\"prod\"}}"));
        Assert.IsTrue(payload.Check(digest, new Dictionary<string, string> { ["env"] = "prod" }).Verified);
        StringAssert.Contains(payload.Check(digest, new Dictionary<string, string> { ["env"] = "dev" }).FailureReason, "\"env\" is \"prod\", expected \"dev\"");
        StringAssert.Contains(payload.Check(digest, new Dictionary<string, string> { ["team"] = "a" }).FailureReason, "\"team\" is not in the signed payload");
        StringAssert.Contains(payload.Check("sha256:" + new string('2', 64)).FailureReason, "invalid or missing digest in claim");
    }

    [TestMethod]
    public void IdentityRegexIsUnanchoredAndRejectsBacktrackingConstructs()
    {
        var identity = new FulcioIdentity(["https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"], "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main", "https://token.actions.githubusercontent.com");
        Assert.IsTrue(identity.Match([new CertificateIdentity(SubjectRegExp: "acme/app", IssuerRegExp: "^https://token\\.actions\\.")], anySan: false).Verified);
        StringAssert.Contains(identity.Match([new CertificateIdentity(SubjectRegExp: "^acme")], anySan: false).FailureReason, "does not match regular expression");
        Assert.ThrowsExactly<SigstoreVerificationException>(() => identity.Match([new CertificateIdentity(SubjectRegExp: "(?=acme)")], anySan: false));
        Assert.ThrowsExactly<SigstoreVerificationException>(() => identity.Match([new CertificateIdentity(SubjectRegExp: "(a)\\1")], anySan: false));
        // Several identities are any-of (decision E4).
        Assert.IsTrue(identity.Match([new CertificateIdentity("other"), new CertificateIdentity(SubjectRegExp: "release")], anySan: false).Verified);
        StringAssert.Contains(identity.Match([], anySan: false).FailureReason, "no certificate identity configured");
    }

    [TestMethod]
    public void HashAlgorithmNamesFollowKyverno()
    {
        Assert.AreEqual(HashAlgorithmName.SHA256, SignatureChecks.ParseHashAlgorithm(null));
        Assert.AreEqual(HashAlgorithmName.SHA384, SignatureChecks.ParseHashAlgorithm("sha384"));
        Assert.AreEqual(HashAlgorithmName.SHA512, SignatureChecks.ParseHashAlgorithm("SHA512"));
        Assert.ThrowsExactly<SigstoreConfigurationException>(() => SignatureChecks.ParseHashAlgorithm("md5"));
    }

    [TestMethod]
    public void RsaPssIsAcceptedOnlyWhenAllowed()
    {
        using var rsa = RSA.Create(2048);
        using var key = VerificationKey.FromPem(rsa.ExportSubjectPublicKeyInfoPem());
        var data = "payload"u8.ToArray();
        var pss = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        Assert.IsTrue(SignatureChecks.VerifyKeySignature(key, data, pss, HashAlgorithmName.SHA256, allowRsaPss: true).Verified);
        StringAssert.Contains(SignatureChecks.VerifyKeySignature(key, data, pss, HashAlgorithmName.SHA256).FailureReason, "RSA-PSS signature rejected");
        var pkcs1 = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.IsTrue(SignatureChecks.VerifyKeySignature(key, data, pkcs1, HashAlgorithmName.SHA256).Verified);
        Assert.AreEqual("RSA-2048", key.Description);
    }

    [TestMethod]
    public void EcdsaNeedsDerSignatures()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        using var key = VerificationKey.FromPem(ec.ExportSubjectPublicKeyInfoPem());
        var data = "payload"u8.ToArray();
        Assert.IsTrue(key.VerifyData(data, ec.SignData(data, HashAlgorithmName.SHA512, DSASignatureFormat.Rfc3279DerSequence), HashAlgorithmName.SHA512));
        Assert.IsFalse(key.VerifyData(data, ec.SignData(data, HashAlgorithmName.SHA512, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), HashAlgorithmName.SHA512));
        Assert.AreEqual("ECDSA P-521", key.Description);
    }

    [TestMethod]
    public void MalformedKeysFailWithReasons()
    {
        StringAssert.Contains(Assert.ThrowsExactly<SigstoreVerificationException>(() => VerificationKey.FromPem("nothing")).Message, "no PUBLIC KEY block");
        StringAssert.Contains(Assert.ThrowsExactly<SigstoreVerificationException>(() => VerificationKey.FromSpki([0x30, 0x00])).Message, "malformed public key");
    }
}

/// <summary>Certificate attestors: the certificate's key verifies, with SHA-256 or the curve's own hash.</summary>
[TestClass]
public sealed class CertificateAttestorTests
{
    [TestMethod]
    public void P384CertificateAcceptsSha256AndSha384ButAConfiguredKeyIsStrict()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=signer", ec, HashAlgorithmName.SHA384);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var digest = "sha256:" + new string('c', 64);
        var payload = Encoding.UTF8.GetBytes("{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
        Cosign.CosignLayer Layer(HashAlgorithmName h) => new(SimpleSigningPayload.MediaType, payload, new Dictionary<string, string>
        {
            [Cosign.CosignLayer.SignatureAnnotation] = Convert.ToBase64String(ec.SignData(payload, h, DSASignatureFormat.Rfc3279DerSequence)),
        });
        var byCert = new VerificationPolicy { Certificate = cert, IgnoreTlog = true };
        Assert.IsTrue(Cosign.CosignLayerVerifier.Verify(Layer(HashAlgorithmName.SHA256), digest, byCert).Verified);
        Assert.IsTrue(Cosign.CosignLayerVerifier.Verify(Layer(HashAlgorithmName.SHA384), digest, byCert).Verified);
        Assert.IsFalse(Cosign.CosignLayerVerifier.Verify(Layer(HashAlgorithmName.SHA512), digest, byCert).Verified);
        using var key = VerificationKey.FromCertificate(cert);
        var byKey = new VerificationPolicy { Key = key, IgnoreTlog = true };
        Assert.IsTrue(Cosign.CosignLayerVerifier.Verify(Layer(HashAlgorithmName.SHA256), digest, byKey).Verified);
        StringAssert.Contains(Cosign.CosignLayerVerifier.Verify(Layer(HashAlgorithmName.SHA384), digest, byKey).FailureReason, "signature mismatch");
        Assert.IsTrue(Cosign.CosignLayerVerifier.Verify(Layer(HashAlgorithmName.SHA384), digest, byKey with { KeyHash = HashAlgorithmName.SHA384 }).Verified);
    }
}
