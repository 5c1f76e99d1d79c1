using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Tests;

/// <summary>Path building rules on small chains made with the platform's certificate builder.</summary>
[TestClass]
public sealed class ChainVerifierTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (X509Certificate2 Cert, ECDsa Key) Make(string name, (X509Certificate2 Cert, ECDsa Key)? issuer, bool ca, string? eku, int days = 365)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        if (eku is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        }
        var serial = RandomNumberGenerator.GetBytes(8);
        var cert = issuer is null
            ? request.CreateSelfSigned(Start, Start.AddDays(days))
            : request.Create(issuer.Value.Cert.SubjectName, X509SignatureGenerator.CreateForECDsa(issuer.Value.Key), Start, Start.AddDays(days), serial);
        return (X509CertificateLoader.LoadCertificate(cert.RawData), key);
    }

    private static CertificateAuthority Authority(X509Certificate2 root, params X509Certificate2[] intermediates) =>
        new("test", intermediates, [root], ValidityWindow.Always);

    [TestMethod]
    public void LeafThroughIntermediateToRootVerifies()
    {
        var root = Make("root", null, true, null, 3650);
        var intermediate = Make("intermediate", root, true, ChainVerifier.CodeSigningEku);
        var leaf = Make("leaf", intermediate, false, ChainVerifier.CodeSigningEku, 1);
        var path = ChainVerifier.Verify(leaf.Cert, [Authority(root.Cert, intermediate.Cert)], Start.AddHours(1), ChainVerifier.CodeSigningEku, "leaf");
        Assert.HasCount(3, path);
        Assert.AreEqual(root.Cert.Thumbprint, path[^1].Thumbprint);
    }

    [TestMethod]
    public void IntermediateCarriedBySignatureFillsThePathButIsNotAnAnchor()
    {
        var root = Make("root", null, true, null, 3650);
        var intermediate = Make("intermediate", root, true, ChainVerifier.CodeSigningEku);
        var leaf = Make("leaf", intermediate, false, ChainVerifier.CodeSigningEku, 1);
        var at = Start.AddHours(1);
        Assert.ThrowsExactly<SigstoreVerificationException>(() => ChainVerifier.Verify(leaf.Cert, [Authority(root.Cert)], at, ChainVerifier.CodeSigningEku, "leaf"));
        Assert.HasCount(3, ChainVerifier.Verify(leaf.Cert, [Authority(root.Cert)], at, ChainVerifier.CodeSigningEku, "leaf", [intermediate.Cert]));
        // An untrusted self-signed certificate offered by the signature never becomes a root.
        var other = Make("other", null, true, null, 3650);
        var otherLeaf = Make("leaf2", other, false, ChainVerifier.CodeSigningEku, 1);
        Assert.ThrowsExactly<SigstoreVerificationException>(() => ChainVerifier.Verify(otherLeaf.Cert, [Authority(root.Cert)], at, ChainVerifier.CodeSigningEku, "leaf", [other.Cert]));
    }

    [TestMethod]
    public void ExpiredLeafMissingEkuWrongUsageAndNonCaIssuerFail()
    {
        var root = Make("root", null, true, null, 3650);
        var leaf = Make("leaf", root, false, ChainVerifier.CodeSigningEku, 1);
        var ca = new[] { Authority(root.Cert) };
        StringAssert.Contains(Assert.ThrowsExactly<SigstoreVerificationException>(() => ChainVerifier.Verify(leaf.Cert, ca, Start.AddDays(2), ChainVerifier.CodeSigningEku, "leaf")).Message, "expired or not yet valid");
        StringAssert.Contains(Assert.ThrowsExactly<SigstoreVerificationException>(() => ChainVerifier.Verify(leaf.Cert, ca, Start.AddHours(1), ChainVerifier.TimeStampingEku, "leaf")).Message, "lacks the extended key usage");
        var noEku = Make("no-eku", root, false, null, 1);
        Assert.ThrowsExactly<SigstoreVerificationException>(() => ChainVerifier.Verify(noEku.Cert, ca, Start.AddHours(1), ChainVerifier.CodeSigningEku, "leaf"));
        var notCa = Make("not-ca", root, false, ChainVerifier.CodeSigningEku);
        var underNotCa = Make("under", notCa, false, ChainVerifier.CodeSigningEku, 1);
        StringAssert.Contains(Assert.ThrowsExactly<SigstoreVerificationException>(() => ChainVerifier.Verify(underNotCa.Cert, [Authority(root.Cert, notCa.Cert)], Start.AddHours(1), ChainVerifier.CodeSigningEku, "leaf")).Message, "is not a certificate authority");
    }

    [TestMethod]
    public void SameNameDifferentKeyIsNotTrusted()
    {
        var root = Make("root", null, true, null, 3650);
        var impostor = Make("root", null, true, null, 3650);
        var leaf = Make("leaf", impostor, false, ChainVerifier.CodeSigningEku, 1);
        var ex = Assert.ThrowsExactly<SigstoreVerificationException>(() => ChainVerifier.Verify(leaf.Cert, [Authority(root.Cert)], Start.AddHours(1), ChainVerifier.CodeSigningEku, "signing certificate"));
        StringAssert.Contains(ex.Message, "signing certificate does not chain to a trusted root");
    }

    [TestMethod]
    public void AuthorityOutsideItsValidityWindowIsSkipped()
    {
        var root = Make("root", null, true, null, 3650);
        var leaf = Make("leaf", root, false, ChainVerifier.CodeSigningEku, 1);
        var ca = new CertificateAuthority("old", [], [root.Cert], new ValidityWindow(null, Start.AddMinutes(10)));
        var ex = Assert.ThrowsExactly<SigstoreVerificationException>(() => ChainVerifier.Verify(leaf.Cert, [ca], Start.AddHours(1), ChainVerifier.CodeSigningEku, "leaf"));
        StringAssert.Contains(ex.Message, "is not valid at");
    }
}
