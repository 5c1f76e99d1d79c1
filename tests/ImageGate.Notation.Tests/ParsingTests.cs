using System.Text;
using System.Text.Json.Nodes;
using ImageGate.Notation;
using ImageGate.Notation.Timestamps;

namespace ImageGate.Notation.Tests;

/// <summary>Strict JWS JSON, PEM trust material and standalone RFC 3161 tokens.</summary>
[TestClass]
public sealed class ParsingTests
{
    private static NotaryVerificationResult VerifyJws(string json) =>
        NotaryVerifier.Verify(Encoding.UTF8.GetBytes(json), "application/jose+json", NotaryFixtures.Target,
            new NotaryTrust([NotaryFixtures.Cert("root")], []), new NotaryVerifyOptions(), DateTimeOffset.UtcNow);

    private static string ValidJws => File.ReadAllText(NotaryFixtures.File("jws/valid-ps256.jws"));

    [TestMethod]
    public void DuplicateJsonKeysAreRejected()
    {
        var json = "{\"payload\":\"e30\"," + ValidJws[1..];
        TestCerts.AssertVerdict(VerifyJws(json), NotaryFailureKind.Integrity, "not valid JSON", "duplicate");
    }

    [TestMethod]
    public void PaddedBase64UrlIsRejected()
    {
        var node = JsonNode.Parse(ValidJws)!;
        node["payload"] = node["payload"]!.GetValue<string>() + "=";
        TestCerts.AssertVerdict(VerifyJws(node.ToJsonString()), NotaryFailureKind.Integrity, "not unpadded base64url", "padding");
    }

    [TestMethod]
    public void KeyNamesAreCaseSensitive()
    {
        var json = ValidJws.Replace("\"payload\"", "\"Payload\"", StringComparison.Ordinal);
        TestCerts.AssertVerdict(VerifyJws(json), NotaryFailureKind.Integrity, "has no 'payload' string", "case");
    }

    [TestMethod]
    public void MissingCertificateChainIsRejected()
    {
        var node = JsonNode.Parse(ValidJws)!;
        node["header"]!.AsObject().Remove("x5c");
        TestCerts.AssertVerdict(VerifyJws(node.ToJsonString()), NotaryFailureKind.Integrity, "no 'x5c'", "x5c");
    }

    [TestMethod]
    public void UnknownUnprotectedHeadersAreIgnored()
    {
        var node = JsonNode.Parse(ValidJws)!;
        node["header"]!["io.cncf.notary.SigningAgent"] = "other";
        TestCerts.AssertVerdict(VerifyJws(node.ToJsonString()), null, null, "unprotected");
    }

    [TestMethod]
    public void PemParsingIsStrict()
    {
        var pem = File.ReadAllText(NotaryFixtures.File("root.crt"));
        Assert.HasCount(0, PemCertificates.Parse("", "certs"));
        Assert.HasCount(2, PemCertificates.Parse(pem + "\n" + pem, "certs"));
        Assert.Contains("text outside a PEM block", Assert.Throws<FormatException>(() => PemCertificates.Parse(pem + "junk", "certs")).Message);
        var key = File.ReadAllText(NotaryFixtures.File("root.key"));
        Assert.Contains("not a CERTIFICATE", Assert.Throws<FormatException>(() => PemCertificates.Parse(pem + key, "tsaCerts")).Message);
        Assert.HasCount(1, NotaryTrust.FromPem(pem, null).Certs);
    }

    [TestMethod]
    public void TimestampWithSigningCertificateV2Verifies()
    {
        var ts = TimestampVerifier.Verify(NotaryFixtures.Bytes("tokens/v2.tst"), NotaryFixtures.Bytes("tokens/message.bin"), [NotaryFixtures.Cert("tsaroot")]);
        Assert.HasCount(2, ts.TsaChain);
        Assert.AreEqual(TimeSpan.FromSeconds(2), ts.Latest - ts.Earliest);
    }

    [TestMethod]
    public void TimestampWithOnlySigningCertificateV1IsRejected()
    {
        var e = Assert.Throws<NotaryException>(() =>
            TimestampVerifier.Verify(NotaryFixtures.Bytes("tokens/v1.tst"), NotaryFixtures.Bytes("tokens/message.bin"), [NotaryFixtures.Cert("tsaroot")]));
        Assert.Contains("signing-certificate-v2", e.Message);
    }

    [TestMethod]
    public void TimestampOverOtherDataIsRejected()
    {
        var e = Assert.Throws<NotaryException>(() =>
            TimestampVerifier.Verify(NotaryFixtures.Bytes("tokens/v2.tst"), Encoding.ASCII.GetBytes("other"), [NotaryFixtures.Cert("tsaroot")]));
        Assert.Contains("message imprint does not match", e.Message);
    }
}
