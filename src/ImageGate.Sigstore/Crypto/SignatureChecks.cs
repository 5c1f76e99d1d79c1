using System.Security.Cryptography;

namespace ImageGate.Sigstore.Crypto;

/// <summary>Public-key signature checks with precise failure reasons (cosign's key verifier semantics).</summary>
public static class SignatureChecks
{
    /// <summary>Maps a Kyverno <c>hashAlgorithm</c> value ("", sha256, sha384, sha512) to a hash; the default is SHA-256 (decision E6).</summary>
    public static HashAlgorithmName ParseHashAlgorithm(string? name) => (name ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "sha256" or "sha2-256" => HashAlgorithmName.SHA256,
        "sha384" or "sha2-384" => HashAlgorithmName.SHA384,
        "sha512" or "sha2-512" => HashAlgorithmName.SHA512,
        "sha224" => throw new SigstoreConfigurationException("hashAlgorithm sha224 is not supported"),
        var other => throw new SigstoreConfigurationException($"unknown hashAlgorithm '{other}' (expected sha256, sha384 or sha512)"),
    };

    /// <summary>Verifies a key signature over <paramref name="data"/>. RSA is PKCS#1 v1.5 unless <paramref name="allowRsaPss"/>;
    /// a PSS signature without that option is rejected with a reason that says so (decision E11).</summary>
    public static VerificationResult VerifyKeySignature(VerificationKey key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash, bool allowRsaPss = false)
    {
        if (key.VerifyData(data, signature, hash))
        {
            return VerificationResult.Success;
        }
        if (key.Kind == KeyKind.Rsa && key.VerifyData(data, signature, hash, RsaPadding.Pss))
        {
            return allowRsaPss
                ? VerificationResult.Success
                : VerificationResult.Fail("RSA-PSS signature rejected: key signatures must use RSA PKCS#1 v1.5, as cosign verifies them");
        }
        return VerificationResult.Fail(MismatchReason(key, hash));
    }

    internal static string MismatchReason(VerificationKey key, HashAlgorithmName hash) =>
        key.Kind == KeyKind.Ed25519
            ? "signature mismatch: the Ed25519 signature does not verify with the given key"
            : $"signature mismatch: the {key.Description} signature does not verify with the given key and hash {hash.Name}";
}
