using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Text;
using ImageGate.Notation;

namespace ImageGate.Notation.Tests;

/// <summary>COSE_Sign1 envelopes built at test time with System.Security.Cryptography.Cose from the generated PKI.</summary>
[TestClass]
public sealed class CoseEnvelopeTests
{
    private static readonly string[] RsaChain = ["leaf", "intermediate", "root"];

    private sealed record Build(string Key = "leaf", string[]? Chain = null, bool ChainInProtected = false,
        bool UnknownCritical = false, bool TextSigningTime = false, bool Ec = false);

    private static byte[] Sign(Build b)
    {
        var chain = b.Chain ?? RsaChain;
        var prot = new CoseHeaderMap();
        var unprot = new CoseHeaderMap();
        var crit = new CborWriter();
        crit.WriteStartArray(b.UnknownCritical ? 2 : 1);
        crit.WriteTextString("io.cncf.notary.signingScheme");
        if (b.UnknownCritical)
        {
            crit.WriteInt32(99);
        }
        crit.WriteEndArray();
        prot.Add(CoseHeaderLabel.CriticalHeaders, CoseHeaderValue.FromEncodedValue(crit.Encode()));
        prot.Add(CoseHeaderLabel.ContentType, "application/vnd.cncf.notary.payload.v1+json");
        prot.Add(new CoseHeaderLabel("io.cncf.notary.signingScheme"), "notary.x509");
        if (b.TextSigningTime)
        {
            prot.Add(new CoseHeaderLabel("io.cncf.notary.signingTime"), DateTimeOffset.UtcNow.ToString("O"));
        }
        else
        {
            var time = new CborWriter();
            time.WriteUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            prot.Add(new CoseHeaderLabel("io.cncf.notary.signingTime"), CoseHeaderValue.FromEncodedValue(time.Encode()));
        }
        if (b.UnknownCritical)
        {
            prot.Add(new CoseHeaderLabel(99), "must be understood");
        }
        var x5 = new CborWriter();
        x5.WriteStartArray(chain.Length);
        foreach (var c in chain)
        {
            x5.WriteByteString(NotaryFixtures.Cert(c).RawData);
        }
        x5.WriteEndArray();
        (b.ChainInProtected ? prot : unprot).Add(new CoseHeaderLabel(33), CoseHeaderValue.FromEncodedValue(x5.Encode()));

        var pem = File.ReadAllText(NotaryFixtures.File(b.Key + ".key"));
        var payload = File.ReadAllBytes(NotaryFixtures.File("payload.json"));
        if (b.Ec)
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return CoseSign1Message.SignEmbedded(payload, new CoseSigner(ec, HashAlgorithmName.SHA256, prot, unprot));
        }
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return CoseSign1Message.SignEmbedded(payload, new CoseSigner(rsa, RSASignaturePadding.Pss, HashAlgorithmName.SHA256, prot, unprot));
    }

    private static NotaryVerificationResult Verify(byte[] envelope, string trust = "root", string? tsa = null) =>
        NotaryVerifier.Verify(envelope, "application/cose", NotaryFixtures.Target,
            new NotaryTrust([NotaryFixtures.Cert(trust)], tsa is null ? [] : [NotaryFixtures.Cert(tsa)]),
            new NotaryVerifyOptions(), DateTimeOffset.UtcNow);

    [TestMethod]
    public void Ps256EnvelopeVerifies()
    {
        var envelope = Sign(new Build());
        Assert.AreEqual(0xD2, envelope[0], "SignEmbedded writes the tagged form");
        var result = Verify(envelope);
        TestCerts.AssertVerdict(result, null, null, "cose ps256");
        CollectionAssert.AreEqual(File.ReadAllBytes(NotaryFixtures.File("payload.json")), result.Payload);
    }

    [TestMethod]
    public void Es256EnvelopeVerifies() =>
        TestCerts.AssertVerdict(Verify(Sign(new Build("ecleaf", ["ecleaf", "ecroot"], Ec: true)), "ecroot"), null, null, "cose es256");

    [TestMethod]
    public void ChainInTheProtectedHeaderIsAccepted() =>
        TestCerts.AssertVerdict(Verify(Sign(new Build(ChainInProtected: true))), null, null, "protected x5chain");

    [TestMethod]
    public void TamperedPayloadFails()
    {
        var envelope = Sign(new Build());
        var marker = Encoding.ASCII.GetBytes("\"fixture\"");
        var at = envelope.AsSpan().IndexOf(marker);
        Assert.IsGreaterThan(0, at);
        envelope[at + 7] ^= 1;
        TestCerts.AssertVerdict(Verify(envelope), NotaryFailureKind.Integrity, "COSE signature does not verify", "tampered");
    }

    [TestMethod]
    public void UntaggedMessageFails() =>
        TestCerts.AssertVerdict(Verify(Sign(new Build())[1..]), NotaryFailureKind.Integrity, "CBOR tag 18", "untagged");

    [TestMethod]
    public void UnknownCriticalIntegerLabelFails() =>
        TestCerts.AssertVerdict(Verify(Sign(new Build(UnknownCritical: true))), NotaryFailureKind.Integrity, "unknown critical header 'label:99'", "crit 99");

    [TestMethod]
    public void SigningTimeMustBeTagOne() =>
        TestCerts.AssertVerdict(Verify(Sign(new Build(TextSigningTime: true))), NotaryFailureKind.Integrity, "must be CBOR tag 1", "time");

    [TestMethod]
    public void WrongRootFails() =>
        TestCerts.AssertVerdict(Verify(Sign(new Build()), "otherroot"), NotaryFailureKind.Authenticity, "does not contain any trusted certificate", "wrong root");

    [TestMethod]
    public void TimestampAddedAfterSigningVerifies()
    {
        var message = CoseMessage.DecodeSign1(Sign(new Build()));
        var sigFile = NotaryFixtures.File($"cose-{Guid.NewGuid():N}.sig");
        File.WriteAllBytes(sigFile, message.Signature.ToArray());
        var tst = sigFile + ".tst";
        Tool.Run("openssl", NotaryFixtures.Dir, "ts", "-query", "-data", sigFile, "-sha384", "-cert", "-out", sigFile + ".tsq");
        Tool.Run("openssl", NotaryFixtures.Dir, "ts", "-reply", "-config", "tsa.cnf", "-queryfile", sigFile + ".tsq", "-signer", "tsa.crt",
            "-inkey", "tsa.key", "-chain", "tsaroot.crt", "-token_out", "-out", tst);
        message.UnprotectedHeaders.Add(new CoseHeaderLabel("io.cncf.notary.timestampSignature"), CoseHeaderValue.FromBytes(File.ReadAllBytes(tst)));
        var envelope = message.Encode();
        var result = Verify(envelope, tsa: "tsaroot");
        TestCerts.AssertVerdict(result, null, null, "cose timestamp");
        Assert.IsNotNull(result.TimestampTime);
        Assert.IsLessThan(TimeSpan.FromMinutes(10), (DateTimeOffset.UtcNow - result.TimestampTime.Value).Duration());
    }

    [TestMethod]
    public void DuplicateProtectedLabelsAreRejected()
    {
        // Built by hand: the platform COSE writer refuses duplicate labels, so this is properly signed but malformed.
        var prot = new CborWriter(CborConformanceMode.Lax);
        prot.WriteStartMap(6);
        prot.WriteInt32(1);
        prot.WriteInt32(-37);
        prot.WriteInt32(2);
        prot.WriteStartArray(1);
        prot.WriteTextString("io.cncf.notary.signingScheme");
        prot.WriteEndArray();
        prot.WriteInt32(3);
        prot.WriteTextString("application/vnd.cncf.notary.payload.v1+json");
        prot.WriteTextString("io.cncf.notary.signingScheme");
        prot.WriteTextString("notary.x509");
        prot.WriteTextString("io.cncf.notary.signingTime");
        prot.WriteUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        prot.WriteTextString("io.cncf.notary.signingScheme");
        prot.WriteTextString("notary.x509.signingAuthority");
        prot.WriteEndMap();
        var protectedBytes = prot.Encode();
        var payload = File.ReadAllBytes(NotaryFixtures.File("payload.json"));

        var tbs = new CborWriter();
        tbs.WriteStartArray(4);
        tbs.WriteTextString("Signature1");
        tbs.WriteByteString(protectedBytes);
        tbs.WriteByteString([]);
        tbs.WriteByteString(payload);
        tbs.WriteEndArray();
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(NotaryFixtures.File("leaf.key")));
        var signature = rsa.SignData(tbs.Encode(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        var msg = new CborWriter();
        msg.WriteTag((CborTag)18);
        msg.WriteStartArray(4);
        msg.WriteByteString(protectedBytes);
        msg.WriteStartMap(1);
        msg.WriteInt32(33);
        msg.WriteStartArray(RsaChain.Length);
        foreach (var c in RsaChain)
        {
            msg.WriteByteString(NotaryFixtures.Cert(c).RawData);
        }
        msg.WriteEndArray();
        msg.WriteEndMap();
        msg.WriteByteString(payload);
        msg.WriteByteString(signature);
        msg.WriteEndArray();
        TestCerts.AssertVerdict(Verify(msg.Encode()), NotaryFailureKind.Integrity, "COSE envelope is malformed CBOR", "duplicate label");
    }

    [TestMethod]
    public void GarbageIsAnIntegrityFailureNotACrash()
    {
        foreach (var bytes in new[] { Array.Empty<byte>(), new byte[] { 0xD2 }, new byte[] { 0xD2, 0x84, 0x40 }, Encoding.ASCII.GetBytes("{\"a\":1}") })
        {
            TestCerts.AssertVerdict(Verify(bytes), NotaryFailureKind.Integrity, null, Convert.ToHexString(bytes));
        }
    }
}
