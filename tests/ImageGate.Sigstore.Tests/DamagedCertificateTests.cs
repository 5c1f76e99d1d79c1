using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Trust;
using ImageGate.TestSupport.Certificates;

namespace ImageGate.Sigstore.Tests;

/// <summary>A certificate whose validity dates cannot be decoded (found by fuzzing the Notary timestamp path) is a
/// verification failure with a reason in Sigstore chain checks too.</summary>
[TestClass]
public sealed class DamagedCertificateTests
{
    [TestMethod]
    public void ALeafWithUnreadableDatesFailsChainVerificationWithAReason()
    {
        using var damaged = DamagedCertificates.WithUnreadableValidity();
        using var root = DamagedCertificates.Valid("CN=root");
        var authority = new CertificateAuthority("test", [], [root], ValidityWindow.Always);
        var error = Assert.ThrowsExactly<SigstoreVerificationException>(() =>
            ChainVerifier.Verify(damaged, [authority], DateTimeOffset.UtcNow, ChainVerifier.CodeSigningEku, "certificate"));
        Assert.AreEqual("certificate has a validity period that cannot be read", error.Message);
    }
}
