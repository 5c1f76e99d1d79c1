using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Runtime.CompilerServices;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace ImageGate.Sigstore.Crypto;

/// <summary>Kinds of public key a signature may be checked with.</summary>
public enum KeyKind
{
    /// <summary>ECDSA over NIST P-256, P-384 or P-521.</summary>
    Ecdsa,
    /// <summary>RSA.</summary>
    Rsa,
    /// <summary>Ed25519 (pure, no pre-hash).</summary>
    Ed25519,
}

/// <summary>How an RSA signature is padded.</summary>
public enum RsaPadding
{
    /// <summary>PKCS#1 v1.5, the only padding cosign's key verifier accepts.</summary>
    Pkcs1,
    /// <summary>RSA-PSS; only accepted where a caller opts in explicitly.</summary>
    Pss,
}

/// <summary>A public key from PKIX SubjectPublicKeyInfo, able to verify ECDSA (DER), RSA and Ed25519 signatures.</summary>
public sealed class VerificationKey : IDisposable
{
    private const string EcOid = "1.2.840.10045.2.1";
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string RsaPssOid = "1.2.840.113549.1.1.10";
    private const string Ed25519Oid = "1.3.101.112";

    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly byte[]? _ed25519; // raw 32-byte key; BouncyCastle is loaded only when an Ed25519 key is used

    private VerificationKey(byte[] spki, KeyKind kind, string description, ECDsa? ecdsa, RSA? rsa, byte[]? ed)
    {
        Spki = spki;
        Kind = kind;
        Description = description;
        _ecdsa = ecdsa;
        _rsa = rsa;
        _ed25519 = ed;
    }

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public byte[] Spki { get; }

    /// <summary>The key type.</summary>
    public KeyKind Kind { get; }

    /// <summary>A short human description such as "ECDSA P-256" or "RSA-2048".</summary>
    public string Description { get; }

    /// <summary>Loads the first PEM <c>PUBLIC KEY</c> block (or a certificate's key if the PEM holds a certificate).</summary>
    public static VerificationKey FromPem(string pem)
    {
        try
        {
            var keys = Codec.PemBlocks(pem, "PUBLIC KEY");
            if (keys.Count > 0)
            {
                return FromSpki(keys[0]);
            }
            var certs = Codec.PemBlocks(pem, "CERTIFICATE");
            if (certs.Count > 0)
            {
                using var cert = X509CertificateLoader.LoadCertificate(certs[0]);
                return FromCertificate(cert);
            }
        }
        catch (FormatException ex)
        {
            throw Fail.With($"malformed public key PEM: {ex.Message}");
        }
        throw Fail.With("malformed public key PEM: no PUBLIC KEY block found");
    }

    /// <summary>The public key of a certificate.</summary>
    public static VerificationKey FromCertificate(X509Certificate2 cert) => FromSpki(cert.PublicKey.ExportSubjectPublicKeyInfo());

    /// <summary>Loads a DER SubjectPublicKeyInfo.</summary>
    public static VerificationKey FromSpki(byte[] spki)
    {
        try
        {
            var reader = new AsnReader(spki, AsnEncodingRules.DER);
            var seq = reader.ReadSequence();
            var algorithm = seq.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            switch (oid)
            {
                case EcOid:
                    var ec = ECDsa.Create();
                    ec.ImportSubjectPublicKeyInfo(spki, out _);
                    var curve = ec.ExportParameters(false).Curve.Oid.FriendlyName ?? ec.KeySize.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return new VerificationKey(spki, KeyKind.Ecdsa, "ECDSA " + CurveName(ec.KeySize, curve), ec, null, null);
                case RsaOid:
                case RsaPssOid:
                    var rsa = RSA.Create();
                    rsa.ImportSubjectPublicKeyInfo(spki, out _);
                    return new VerificationKey(spki, KeyKind.Rsa, $"RSA-{rsa.KeySize}", null, rsa, null);
                case Ed25519Oid:
                    var bits = seq.ReadBitString(out _);
                    if (bits.Length != 32)
                    {
                        throw Fail.With("malformed public key: an Ed25519 key is 32 bytes");
                    }
                    return new VerificationKey(spki, KeyKind.Ed25519, "Ed25519", null, null, bits);
                default:
                    throw Fail.With($"unsupported public key algorithm {oid}");
            }
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException or ArgumentException)
        {
            throw Fail.With($"malformed public key: {ex.Message}");
        }
    }

    private static string CurveName(int keySize, string friendly) => keySize switch
    {
        256 => "P-256",
        384 => "P-384",
        521 => "P-521",
        _ => friendly,
    };

    /// <summary>Verifies a signature over <paramref name="data"/>. ECDSA signatures are ASN.1 DER; Ed25519 ignores the hash.</summary>
    public bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash, RsaPadding padding = RsaPadding.Pkcs1)
    {
        try
        {
            return Kind switch
            {
                KeyKind.Ecdsa => _ecdsa!.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence),
                KeyKind.Rsa => _rsa!.VerifyData(data, signature, hash, padding == RsaPadding.Pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
                _ => VerifyEd25519(data, signature),
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Verifies a signature over a precomputed digest (not possible for Ed25519, which signs the message itself).</summary>
    public bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash, RsaPadding padding = RsaPadding.Pkcs1)
    {
        try
        {
            return Kind switch
            {
                KeyKind.Ecdsa => _ecdsa!.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence),
                KeyKind.Rsa => _rsa!.VerifyHash(digest, signature, hash, padding == RsaPadding.Pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
                _ => throw Fail.With("an Ed25519 signature cannot be verified against a digest alone; the artifact bytes are needed"),
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private bool VerifyEd25519(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == 64 && Ed25519.Verify(_ed25519!, data.ToArray(), signature.ToArray());

    /// <summary>Pure Ed25519 through BouncyCastle (the BCL has none), kept apart so other key types never load it.</summary>
    private static class Ed25519
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static bool Verify(byte[] key, byte[] data, byte[] signature)
        {
            var signer = new Ed25519Signer();
            signer.Init(false, new Ed25519PublicKeyParameters(key, 0));
            signer.BlockUpdate(data, 0, data.Length);
            return signer.VerifySignature(signature);
        }
    }

    /// <summary>True when both keys have the same SubjectPublicKeyInfo.</summary>
    public bool SameKeyAs(VerificationKey other) => Spki.AsSpan().SequenceEqual(other.Spki);

    /// <inheritdoc/>
    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }
}
