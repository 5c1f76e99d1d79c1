using ImageGate.Notation.Certificates;
using ImageGate.TestSupport.Certificates;

namespace ImageGate.Notation.Tests.Hostile;

/// <summary>Fuzzing regressions (rfc3161 target): a timestamp token may carry certificates that load but whose dates or
/// signature cannot be decoded. Chain checks treat them as invalid, never throw the platform's exception.</summary>
[TestClass]
public sealed class DamagedCertificateTests
{
    [TestMethod]
    public void ACertificateWithUnreadableDatesIsValidAtNoTime()
    {
        using var damaged = DamagedCertificates.WithUnreadableValidity();
        Assert.ThrowsExactly<System.Security.Cryptography.CryptographicException>(() => _ = damaged.NotBefore, "the platform reads the dates lazily");
        Assert.IsFalse(CertificateChainRules.IsValidAt(damaged, DateTimeOffset.UtcNow));
        Assert.IsFalse(CertificateChainRules.TryValidity(damaged, out _, out _));
        Assert.AreEqual("validity period unreadable", CertificateChainRules.Range(damaged));
    }

    [TestMethod]
    public void AnOddBitSignatureThatBouncyCastleRejectsIsNotSigned()
    {
        using var damaged = DamagedCertificates.WithOddBitSignature();
        using var valid = DamagedCertificates.Valid();
        Assert.IsFalse(CertificateChainRules.SignedBy(damaged, valid));
        Assert.IsFalse(CertificateChainRules.IsSelfSigned(damaged));
    }
}
