using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace ImageGate.Notation.Certificates;

/// <summary>Verifies X.509-style signatures (certificates, CRLs, OCSP responses) with the platform crypto;
/// it is much faster than BouncyCastle, which re-validates every RSA modulus it loads.</summary>
internal static class X509Signatures
{
    /// <summary>Verifies <paramref name="signature"/> over <paramref name="signed"/> for a SHA-2 RSA PKCS#1 or ECDSA algorithm OID.</summary>
    public static bool Verify(ReadOnlySpan<byte> signed, string algorithmOid, ReadOnlySpan<byte> signature, X509Certificate2 signer)
    {
        HashAlgorithmName? hash = algorithmOid switch
        {
            "1.2.840.113549.1.1.11" or "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
            "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (hash is not { } h)
        {
            return false;
        }
        try
        {
            if (algorithmOid.StartsWith("1.2.840.113549.", StringComparison.Ordinal))
            {
                using var rsa = signer.GetRSAPublicKey();
                return rsa is not null && rsa.VerifyData(signed, signature, h, RSASignaturePadding.Pkcs1);
            }
            using var ec = signer.GetECDsaPublicKey();
            return ec is not null && ec.VerifyData(signed, signature, h, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The slow path for algorithms the platform check above does not cover (RSASSA-PSS).</summary>
    public static bool VerifyWithBouncyCastle(X509Certificate2 child, X509Certificate2 parent)
    {
        try
        {
            new BcCertificate(child.RawData).Verify(new BcCertificate(parent.RawData).GetPublicKey());
            return true;
        }
        // IOException: BouncyCastle's ASN.1 errors (a damaged certificate) derive from it.
        catch (Exception e) when (e is Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Crypto.CryptoException
            or InvalidOperationException or ArgumentException or IOException)
        {
            return false;
        }
    }
}
