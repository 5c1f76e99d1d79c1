using System.Security.Cryptography;

namespace ImageGate.Sigstore.Bundles;

/// <summary>The artifact a bundle is checked against: its bytes, or only its SHA-256 digest (an image digest for OCI bundles).</summary>
public sealed record BundleArtifact
{
    private BundleArtifact(byte[]? bytes, string digest)
    {
        Bytes = bytes;
        Digest = digest;
    }

    /// <summary>The artifact bytes, when known.</summary>
    public byte[]? Bytes { get; }

    /// <summary>The digest as "sha256:hex".</summary>
    public string Digest { get; }

    /// <summary>An artifact given by its bytes.</summary>
    public static BundleArtifact FromBytes(byte[] bytes) => new(bytes, "sha256:" + Codec.Hex(SHA256.HashData(bytes)));

    /// <summary>The sigstore-conformance artifact argument: a "sha256:hex" digest, or else the path of a file to read.</summary>
    public static BundleArtifact FromPathOrDigest(string pathOrDigest)
    {
        if (pathOrDigest.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return FromDigest(pathOrDigest);
        }
        try
        {
            return FromBytes(File.ReadAllBytes(pathOrDigest));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigstoreConfigurationException($"{pathOrDigest}: cannot read artifact: {ex.Message}", ex);
        }
    }

    /// <summary>An artifact given by a "sha256:hex" digest (for example an image manifest digest).</summary>
    public static BundleArtifact FromDigest(string digest)
    {
        if (!digest.StartsWith("sha256:", StringComparison.Ordinal) || digest.Length != 71 || !IsHex(digest.AsSpan(7)))
        {
            throw new ArgumentException($"'{digest}' is not a sha256:<64 hex> digest", nameof(digest));
        }
        return new(null, digest.ToLowerInvariant());
    }

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>Verifies Sigstore bundles (the sigstore-conformance <c>verify-bundle</c> operation and cosign OCI bundles).</summary>
public static class BundleVerifier
{
    /// <summary>Verifies a bundle's signature, transparency log, timestamps and certificate against the policy and artifact.
    /// For DSSE content the statement's subject must carry the artifact digest.</summary>
    public static SignatureVerificationResult Verify(ReadOnlyMemory<byte> bundleJson, BundleArtifact artifact, VerificationPolicy policy)
    {
        SigstoreBundle bundle;
        try
        {
            bundle = SigstoreBundle.Parse(bundleJson);
        }
        catch (SigstoreVerificationException ex)
        {
            return new SignatureVerificationResult(false, ex.Message);
        }
        return Verify(bundle, artifact, policy);
    }

    /// <summary>Verifies a bundle attached to an image as cosign v3 reads it: bundle v0.3 or later with DSSE content whose
    /// statement names the image digest ("sha256:hex").</summary>
    public static SignatureVerificationResult VerifyImageBundle(ReadOnlyMemory<byte> bundleJson, string imageDigest, VerificationPolicy policy)
    {
        SigstoreBundle bundle;
        try
        {
            bundle = SigstoreBundle.Parse(bundleJson);
        }
        catch (SigstoreVerificationException ex)
        {
            return new SignatureVerificationResult(false, ex.Message);
        }
        if (bundle.Version < new Version(0, 3))
        {
            return new SignatureVerificationResult(false, $"image bundles must be v0.3 or later, found v{bundle.Version}");
        }
        if (bundle.Envelope is null)
        {
            return new SignatureVerificationResult(false, "bundle does not contain a DSSE envelope");
        }
        return Verify(bundle, BundleArtifact.FromDigest(imageDigest), policy);
    }

    /// <summary>Verifies an already parsed bundle.</summary>
    public static SignatureVerificationResult Verify(SigstoreBundle bundle, BundleArtifact artifact, VerificationPolicy policy)
    {
        if (bundle.Envelope is null && artifact.Bytes is null && bundle.MessageDigest is null)
        {
            return new SignatureVerificationResult(false, "message signature bundle without a digest needs the artifact bytes");
        }
        return SignedEntityVerifier.Verify(bundle.ToEntity(artifact.Bytes), policy, artifact.Digest);
    }
}
