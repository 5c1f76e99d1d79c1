using System.Text;
using System.Text.Json.Nodes;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Trust;
using ImageGate.TestSupport;

namespace ImageGate.Sigstore.Tests;

/// <summary>A real public-good bundle (cosign test data, Apache-2.0) verified offline with its trusted root.</summary>
[TestClass]
public sealed class ProductionBundleTests
{
    private const string Subject = "cody@soyland.com";
    private const string Issuer = "https://github.com/login/oauth";
    private const string ImageDigest = "sha256:1b3ba7d6bfba2aa1c8fde0ad4dc7f8a96da4bd6dc3bc0c2f13a80b3b7e0a43b2";

    private static string VectorDir => RepoPaths.Combine("tests", "fixtures", "sigstore", "vectors");

    /// <summary>The carried copy, and the shared copy when it exists, must both verify.</summary>
    private static IEnumerable<string> Dirs()
    {
        yield return VectorDir;
        if (RepoPaths.Shared is { } shared && Directory.Exists(Path.Combine(shared, "vectors", "sigstore")))
        {
            yield return Path.Combine(shared, "vectors", "sigstore");
        }
    }

    private static (byte[] Bundle, TrustedRoot Root) Load(string dir) =>
        (File.ReadAllBytes(Path.Combine(dir, "oci-attestation.sigstore.json")), TrustedRoot.Load(Path.Combine(dir, "trusted_root_pgi.json")));

    private static string SubjectDigest(byte[] bundle)
    {
        var node = JsonNode.Parse(bundle)!;
        var statement = JsonNode.Parse(Convert.FromBase64String((string)node["dsseEnvelope"]!["payload"]!))!;
        return "sha256:" + (string)statement["subject"]![0]!["digest"]!["sha256"]!;
    }

    private static VerificationPolicy Policy(TrustedRoot root, string subject = Subject, string issuer = Issuer) => new()
    {
        Identities = [new CertificateIdentity(subject, issuer)],
        Trust = TrustedMaterial.FromRoot(root),
    };

    [TestMethod]
    public void RealBundleVerifiesOfflineWithItsTrustedRoot()
    {
        foreach (var dir in Dirs())
        {
            var (bundle, root) = Load(dir);
            var result = BundleVerifier.Verify(bundle, BundleArtifact.FromDigest(SubjectDigest(bundle)), Policy(root));
            Assert.IsTrue(result.Verified, dir + ": " + result.FailureReason);
            Assert.AreEqual(Subject, result.Identity!.PrimarySubject);
            Assert.AreEqual(Issuer, result.Identity.Issuer);
            Assert.AreEqual(DateTimeOffset.FromUnixTimeSeconds(1740770291), result.ObservedTimes[0]);
            Assert.IsNotNull(result.Statement);
        }
    }

    [TestMethod]
    public void WrongSubjectIsRejected()
    {
        var (bundle, root) = Load(VectorDir);
        var result = BundleVerifier.Verify(bundle, BundleArtifact.FromDigest(SubjectDigest(bundle)), Policy(root, subject: "someone@example.com"));
        Assert.IsFalse(result.Verified);
        StringAssert.Contains(result.FailureReason, "certificate identity mismatch: subject \"cody@soyland.com\" does not match \"someone@example.com\"");
    }

    [TestMethod]
    public void WrongIssuerIsRejected()
    {
        var (bundle, root) = Load(VectorDir);
        var result = BundleVerifier.Verify(bundle, BundleArtifact.FromDigest(SubjectDigest(bundle)), Policy(root, issuer: "https://accounts.google.com"));
        StringAssert.Contains(result.FailureReason, "certificate issuer mismatch");
    }

    [TestMethod]
    public void IdentityRegexpMatchesUnanchored()
    {
        var (bundle, root) = Load(VectorDir);
        var policy = Policy(root) with { Identities = [new CertificateIdentity(SubjectRegExp: "@soyland\\.com", IssuerRegExp: "github")] };
        Assert.IsTrue(BundleVerifier.Verify(bundle, BundleArtifact.FromDigest(SubjectDigest(bundle)), policy).Verified);
    }

    [TestMethod]
    public void OtherDigestIsRejected()
    {
        var (bundle, root) = Load(VectorDir);
        var result = BundleVerifier.Verify(bundle, BundleArtifact.FromDigest(ImageDigest), Policy(root));
        StringAssert.Contains(result.FailureReason, "no matching subject digest found");
    }

    [TestMethod]
    public void EmbeddedPublicGoodRootAlsoVerifiesTheBundle()
    {
        var (bundle, _) = Load(VectorDir);
        var policy = new VerificationPolicy { Identities = [new CertificateIdentity(Subject, Issuer)] };
        var result = BundleVerifier.Verify(bundle, BundleArtifact.FromDigest(SubjectDigest(bundle)), policy);
        Assert.IsTrue(result.Verified, result.FailureReason);
    }

    /// <summary>Each tampered part fails with the reason naming it.</summary>
    [TestMethod]
    [DataRow("set", "signed entry timestamp does not verify")]
    [DataRow("proof", "inclusion proof does not match the root hash")]
    [DataRow("checkpoint", "checkpoint signature does not verify")]
    [DataRow("payload", "DSSE envelope signature mismatch")]
    [DataRow("signature", "DSSE envelope signature mismatch")]
    [DataRow("certificate", "malformed")]
    [DataRow("sct", "embedded SCT verification failed")]
    public void TamperedPartsAreRejected(string part, string reason)
    {
        var (bundle, root) = Load(VectorDir);
        var node = JsonNode.Parse(bundle)!;
        var entry = node["verificationMaterial"]!["tlogEntries"]![0]!;
        switch (part)
        {
            case "set":
                entry["inclusionPromise"]!["signedEntryTimestamp"] = FlipBase64((string)entry["inclusionPromise"]!["signedEntryTimestamp"]!, 40);
                break;
            case "proof":
                entry["inclusionProof"]!["hashes"]![3] = FlipBase64((string)entry["inclusionProof"]!["hashes"]![3]!, 5);
                break;
            case "checkpoint":
                var cp = (string)entry["inclusionProof"]!["checkpoint"]!["envelope"]!;
                var sigStart = cp.LastIndexOf(' ') + 1;
                entry["inclusionProof"]!["checkpoint"]!["envelope"] = cp[..sigStart] + FlipBase64(cp[sigStart..].TrimEnd('\n'), 20) + "\n";
                break;
            case "payload":
                var payload = Encoding.UTF8.GetString(Convert.FromBase64String((string)node["dsseEnvelope"]!["payload"]!));
                node["dsseEnvelope"]!["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("\"predicate\"", "\"predicate\" ")));
                break;
            case "signature":
                node["dsseEnvelope"]!["signatures"]![0]!["sig"] = FlipBase64((string)node["dsseEnvelope"]!["signatures"]![0]!["sig"]!, 30);
                break;
            case "certificate":
                node["verificationMaterial"]!["certificate"]!["rawBytes"] = FlipBase64((string)node["verificationMaterial"]!["certificate"]!["rawBytes"]!, 2);
                break;
            case "sct":
                // Replace the CT log key with the Rekor key: the SCT's log is then unknown.
                var rootNode = JsonNode.Parse(File.ReadAllText(Path.Combine(VectorDir, "trusted_root_pgi.json")))!;
                foreach (var ct in rootNode["ctlogs"]!.AsArray())
                {
                    ct!["logId"]!["keyId"] = Convert.ToBase64String(new byte[32]);
                }
                root = TrustedRoot.Parse(rootNode.ToJsonString());
                break;
        }
        var tampered = Encoding.UTF8.GetBytes(node.ToJsonString());
        var result = BundleVerifier.Verify(tampered, BundleArtifact.FromDigest(SubjectDigest(bundle)), Policy(root));
        Assert.IsFalse(result.Verified, part);
        StringAssert.Contains(result.FailureReason, reason, part);
    }

    private static string FlipBase64(string b64, int index)
    {
        var bytes = Convert.FromBase64String(b64);
        bytes[index] ^= 0x01;
        return Convert.ToBase64String(bytes);
    }
}
