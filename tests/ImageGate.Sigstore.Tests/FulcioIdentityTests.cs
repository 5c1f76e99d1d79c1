using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImageGate.Sigstore.Certificates;

namespace ImageGate.Sigstore.Tests;

/// <summary>SAN and OIDC issuer extraction from Fulcio-shaped certificates.</summary>
[TestClass]
public sealed class FulcioIdentityTests
{
    private static X509Certificate2 Cert(Action<SubjectAlternativeNameBuilder> san, string? issuerV1, string? issuerV2, string? otherName = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("", key, HashAlgorithmName.SHA256);
        var builder = new SubjectAlternativeNameBuilder();
        san(builder);
        var sanExtension = builder.Build(critical: true);
        if (otherName is not null)
        {
            // GeneralNames with an otherName (Fulcio's 1.3.6.1.4.1.57264.1.7 username form) built by hand.
            var w = new AsnWriter(AsnEncodingRules.DER);
            using (w.PushSequence())
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
            {
                w.WriteObjectIdentifier("1.3.6.1.4.1.57264.1.7");
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                {
                    w.WriteCharacterString(UniversalTagNumber.UTF8String, otherName);
                }
            }
            sanExtension = new X509Extension("2.5.29.17", w.Encode(), true);
        }
        request.CertificateExtensions.Add(sanExtension);
        if (issuerV1 is not null)
        {
            request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.1", Encoding.UTF8.GetBytes(issuerV1), false));
        }
        if (issuerV2 is not null)
        {
            var w = new AsnWriter(AsnEncodingRules.DER);
            w.WriteCharacterString(UniversalTagNumber.UTF8String, issuerV2);
            request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.8", w.Encode(), false));
        }
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10));
    }

    [TestMethod]
    public void LegacyIssuerExtensionIsReadRaw()
    {
        using var cert = Cert(b => b.AddEmailAddress("dev@example.com"), "https://accounts.google.com", null);
        var id = FulcioIdentity.FromCertificate(cert);
        Assert.AreEqual("https://accounts.google.com", id.Issuer);
        Assert.AreEqual("dev@example.com", id.PrimarySubject);
    }

    [TestMethod]
    public void V2IssuerWinsOverV1()
    {
        using var cert = Cert(b => b.AddUri(new Uri("https://github.com/acme/app/.github/workflows/ci.yml@refs/heads/main")), "https://old.example", "https://new.example");
        Assert.AreEqual("https://new.example", FulcioIdentity.FromCertificate(cert).Issuer);
    }

    [TestMethod]
    public void BundlePathUsesTheFirstUriWhileLegacyPathTriesEverySan()
    {
        using var cert = Cert(b =>
        {
            b.AddDnsName("build.example.com");
            b.AddEmailAddress("dev@example.com");
            b.AddUri(new Uri("https://example.com/workflow"));
        }, null, "https://issuer.example");
        var id = FulcioIdentity.FromCertificate(cert);
        Assert.AreEqual("https://example.com/workflow", id.PrimarySubject);
        CollectionAssert.AreEquivalent(new[] { "build.example.com", "dev@example.com", "https://example.com/workflow" }, id.SubjectAlternativeNames.ToArray());
        var byEmail = new[] { new CertificateIdentity("dev@example.com", "https://issuer.example") };
        Assert.IsTrue(id.Match(byEmail, anySan: true).Verified);
        StringAssert.Contains(id.Match(byEmail, anySan: false).FailureReason, "certificate identity mismatch");
    }

    [TestMethod]
    public void OtherNameSanIsAnIdentity()
    {
        using var cert = Cert(_ => { }, null, "https://issuer.example", otherName: "alice");
        var id = FulcioIdentity.FromCertificate(cert);
        Assert.AreEqual("alice", id.PrimarySubject);
        Assert.IsTrue(id.Match([new CertificateIdentity("alice", "https://issuer.example")], anySan: false).Verified);
    }

    [TestMethod]
    public void MissingIssuerFailsAnIssuerConstraint()
    {
        using var cert = Cert(b => b.AddEmailAddress("dev@example.com"), null, null);
        var result = FulcioIdentity.FromCertificate(cert).Match([new CertificateIdentity("dev@example.com", "https://issuer.example")], anySan: false);
        StringAssert.Contains(result.FailureReason, "certificate issuer mismatch: issuer \"(none)\"");
    }

    // Fuzzing regressions: certificates whose Fulcio extensions are damaged are a verification error naming the
    // extension, never another exception.
    [TestMethod]
    [DataRow("1.3.6.1.4.1.57264.1.8", new byte[] { 0x16, 0x03, 0x61, 0x62, 0x63 }, "the OIDC issuer extension (1.3.6.1.4.1.57264.1.8) is not a UTF8String")]
    [DataRow("1.3.6.1.4.1.57264.1.8", new byte[] { 0x0C, 0x7F, 0x61 }, "the OIDC issuer extension (1.3.6.1.4.1.57264.1.8) is not a UTF8String")]
    [DataRow("2.5.29.17", new byte[] { 0x30, 0x05, 0x81, 0x09, 0x61 }, "unreadable subject alternative name")]
    public void DamagedFulcioExtensionsAreAVerificationError(string oid, byte[] value, string reason)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(oid, value, false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10));
        var error = Assert.ThrowsExactly<SigstoreVerificationException>(() => FulcioIdentity.FromCertificate(cert));
        StringAssert.StartsWith(error.Message, "malformed certificate: " + reason);
    }
}
