using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ImageGate.TestSupport.Certificates;

/// <summary>Certificates that load but are damaged inside, as fuzzing found them: the platform decodes validity dates
/// lazily, and BouncyCastle parses a certificate again when it checks an RSASSA-PSS or odd-bit signature.</summary>
public static class DamagedCertificates
{
    /// <summary>A self-signed P-256 certificate valid around now.</summary>
    public static X509Certificate2 Valid(string subject = "CN=damaged test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
    }

    /// <summary>The certificate with its notBefore month set to 13: it loads, reading its dates throws.</summary>
    public static X509Certificate2 WithUnreadableValidity()
    {
        using var valid = Valid();
        var der = valid.RawData;
        // notBefore is the first UTCTime (tag 0x17, 13 characters YYMMDDHHMMSSZ) in the certificate.
        var at = der.AsSpan().IndexOf(new byte[] { 0x17, 0x0D });
        if (at < 0)
        {
            throw new InvalidOperationException("no UTCTime in the test certificate");
        }
        Encoding.ASCII.GetBytes("13").CopyTo(der, at + 2 + 2);
        return X509CertificateLoader.LoadCertificate(der);
    }

    /// <summary>The certificate with its signature BIT STRING declaring 2 unused bits, which sends signature checks to
    /// BouncyCastle, whose parser rejects it.</summary>
    public static X509Certificate2 WithOddBitSignature()
    {
        using var valid = Valid();
        var outer = new AsnReader(valid.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadEncodedValue();
        var algorithm = outer.ReadEncodedValue();
        var signature = outer.ReadBitString(out _);
        signature[^1] &= 0xFC; // DER: the unused bits are zero
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs.Span);
            writer.WriteEncodedValue(algorithm.Span);
            writer.WriteBitString(signature, unusedBitCount: 2);
        }
        return X509CertificateLoader.LoadCertificate(writer.Encode());
    }
}
