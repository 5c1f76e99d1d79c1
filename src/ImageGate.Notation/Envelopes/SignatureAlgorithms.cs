using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ImageGate.Notation.Envelopes;

/// <summary>The six Notary algorithms, derived from the signing key (no negotiation), and their verification.</summary>
internal static class SignatureAlgorithms
{
    private static readonly string[] Names = ["PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    public static bool IsSupported(string? alg) => alg is not null && Names.Contains(alg);

    /// <summary>Maps a COSE alg value to its JWS name, or null.</summary>
    public static string? FromCose(long alg) => alg switch
    {
        -37 => "PS256", -38 => "PS384", -39 => "PS512", -7 => "ES256", -35 => "ES384", -36 => "ES512", _ => null,
    };

    /// <summary>The algorithm the key of <paramref name="cert"/> implies, or null when its key spec is not supported.</summary>
    public static string? FromKey(X509Certificate2 cert, out string keyDescription)
    {
        using (var rsa = cert.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                keyDescription = $"RSA-{rsa.KeySize}";
                return rsa.KeySize switch { 2048 => "PS256", 3072 => "PS384", 4096 => "PS512", _ => null };
            }
        }
        using (var ec = cert.GetECDsaPublicKey())
        {
            if (ec is not null)
            {
                var oid = ec.ExportParameters(false).Curve.Oid?.Value;
                keyDescription = $"EC {ec.ExportParameters(false).Curve.Oid?.FriendlyName ?? oid ?? "explicit curve"}";
                return oid switch
                {
                    "1.2.840.10045.3.1.7" => "ES256", "1.3.132.0.34" => "ES384", "1.3.132.0.35" => "ES512", _ => null,
                };
            }
        }
        keyDescription = cert.PublicKey.Oid.FriendlyName ?? cert.PublicKey.Oid.Value ?? "unknown";
        return null;
    }

    public static HashAlgorithmName Hash(string alg) => alg[2..] switch
    {
        "256" => HashAlgorithmName.SHA256,
        "384" => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    /// <summary>Verifies the primitive signature over <paramref name="data"/> with the leaf key.</summary>
    public static bool Verify(string alg, X509Certificate2 cert, byte[] data, byte[] signature, bool anyPssSalt)
    {
        var hash = Hash(alg);
        if (alg.StartsWith("ES", StringComparison.Ordinal))
        {
            using var ec = cert.GetECDsaPublicKey()!;
            return ec.VerifyData(data, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        using var rsa = cert.GetRSAPublicKey()!;
        if (rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pss))
        {
            return true;
        }
        return anyPssSalt && VerifyPssAnySalt(rsa, data, signature, hash);
    }

    /// <summary>EMSA-PSS verification (RFC 8017 §9.1.2) that recovers the salt length from the encoding.</summary>
    private static bool VerifyPssAnySalt(RSA rsa, byte[] data, byte[] signature, HashAlgorithmName hashName)
    {
        var p = rsa.ExportParameters(false);
        var k = p.Modulus!.Length;
        if (signature.Length != k)
        {
            return false;
        }
        var n = new BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(signature, isUnsigned: true, isBigEndian: true);
        if (s >= n)
        {
            return false;
        }
        var e = new BigInteger(p.Exponent!, isUnsigned: true, isBigEndian: true);
        var modBits = (int)n.GetBitLength();
        var emBits = modBits - 1;
        var emLen = (emBits + 7) / 8;
        var m = BigInteger.ModPow(s, e, n).ToByteArray(isUnsigned: true, isBigEndian: true);
        if (m.Length > emLen)
        {
            return false;
        }
        var em = new byte[emLen];
        m.CopyTo(em, emLen - m.Length);

        var mHash = CryptographicOperations.HashData(hashName, data);
        var hLen = mHash.Length;
        if (emLen < hLen + 2 || em[^1] != 0xBC)
        {
            return false;
        }
        var dbLen = emLen - hLen - 1;
        var maskedDb = em.AsSpan(0, dbLen);
        var h = em.AsSpan(dbLen, hLen);
        var topBits = 8 * emLen - emBits;
        if (topBits > 0 && (maskedDb[0] & (0xFF << (8 - topBits)) & 0xFF) != 0)
        {
            return false;
        }
        var db = Mgf1(hashName, h, dbLen);
        for (var i = 0; i < dbLen; i++)
        {
            db[i] ^= maskedDb[i];
        }
        if (topBits > 0)
        {
            db[0] &= (byte)(0xFF >> topBits);
        }
        var sep = 0;
        while (sep < dbLen && db[sep] == 0)
        {
            sep++;
        }
        if (sep == dbLen || db[sep] != 0x01)
        {
            return false;
        }
        var salt = db.AsSpan(sep + 1);
        var mPrime = new byte[8 + hLen + salt.Length];
        mHash.CopyTo(mPrime, 8);
        salt.CopyTo(mPrime.AsSpan(8 + hLen));
        var hPrime = CryptographicOperations.HashData(hashName, mPrime);
        return CryptographicOperations.FixedTimeEquals(hPrime, h);
    }

    private static byte[] Mgf1(HashAlgorithmName hashName, ReadOnlySpan<byte> seed, int length)
    {
        var output = new byte[length];
        var buffer = new byte[seed.Length + 4];
        seed.CopyTo(buffer);
        var offset = 0;
        for (uint counter = 0; offset < length; counter++)
        {
            buffer[^4] = (byte)(counter >> 24);
            buffer[^3] = (byte)(counter >> 16);
            buffer[^2] = (byte)(counter >> 8);
            buffer[^1] = (byte)counter;
            var block = CryptographicOperations.HashData(hashName, buffer);
            var take = Math.Min(block.Length, length - offset);
            block.AsSpan(0, take).CopyTo(output.AsSpan(offset));
            offset += take;
        }
        return output;
    }
}
