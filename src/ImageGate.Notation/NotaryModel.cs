using System.Security.Cryptography.X509Certificates;

namespace ImageGate.Notation;

/// <summary>The OCI descriptor a signature must cover: the artifact being verified.</summary>
public sealed record TargetDescriptor(string MediaType, string Digest, long Size);

/// <summary>Trust material of one Notary attestor: <c>certs</c> (CA store) and <c>tsaCerts</c> (TSA store).</summary>
public sealed class NotaryTrust
{
    /// <summary>Creates trust material from already parsed certificates.</summary>
    public NotaryTrust(IReadOnlyList<X509Certificate2> certs, IReadOnlyList<X509Certificate2> tsaCerts)
    {
        Certs = certs;
        TsaCerts = tsaCerts;
    }

    /// <summary>Trusted signing certificates; any leaf, intermediate or root of a chain may be listed.</summary>
    public IReadOnlyList<X509Certificate2> Certs { get; }

    /// <summary>Trusted timestamping roots; when non-empty every signature needs a valid RFC 3161 timestamp.</summary>
    public IReadOnlyList<X509Certificate2> TsaCerts { get; }

    /// <summary>Parses the attestor's PEM strings (empty or null = no certificates).</summary>
    public static NotaryTrust FromPem(string? certsPem, string? tsaCertsPem) =>
        new(PemCertificates.Parse(certsPem, "certs"), PemCertificates.Parse(tsaCertsPem, "tsaCerts"));
}

/// <summary>Switches for one verification.</summary>
public sealed class NotaryVerifyOptions
{
    /// <summary>When true, revocation is not fetched and each unchecked certificate becomes a notice instead of a failure.</summary>
    public bool OfflineRevocation { get; init; }

    /// <summary>Fetches OCSP responses and CRLs; defaults to plain HTTP with the Notary timeouts.</summary>
    public IRevocationFetcher? RevocationFetcher { get; init; }
}

/// <summary>Which verification step rejected a signature.</summary>
public enum NotaryFailureKind
{
    /// <summary>The envelope is malformed, its headers break the rules, or the signature does not verify.</summary>
    Integrity,
    /// <summary>The signature needs something this verifier never supports (a plugin, the signingAuthority scheme).</summary>
    Unsupported,
    /// <summary>The certificate chain breaks the Notary rules or holds no trusted certificate.</summary>
    Authenticity,
    /// <summary>The signature's own expiry has passed.</summary>
    Expiry,
    /// <summary>Certificate validity at signing time, or the RFC 3161 timestamp, failed.</summary>
    AuthenticTimestamp,
    /// <summary>A certificate is revoked, or its revocation status is unknown.</summary>
    Revocation,
    /// <summary>The signed payload names a different artifact.</summary>
    TargetMismatch,
}

/// <summary>Outcome of <see cref="NotaryVerifier.Verify"/>.</summary>
public sealed class NotaryVerificationResult
{
    /// <summary>True when every check passed.</summary>
    public bool Verified { get; init; }

    /// <summary>The failing step, null when verified.</summary>
    public NotaryFailureKind? Failure { get; init; }

    /// <summary>A sentence for the user saying why verification failed, null when verified.</summary>
    public string? Reason { get; init; }

    /// <summary>The signing time the envelope states (signingTime or authenticSigningTime), when parsed.</summary>
    public DateTimeOffset? SigningTime { get; init; }

    /// <summary>The verified RFC 3161 timestamp time, when one was checked.</summary>
    public DateTimeOffset? TimestampTime { get; init; }

    /// <summary>The signing (leaf) certificate, when parsed.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The signed payload JSON bytes; null unless <see cref="Verified"/> is true.</summary>
    public byte[]? Payload { get; init; }

    /// <summary>Things the user should know that did not fail verification (e.g. revocation not checked offline).</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}

/// <summary>A verification step failed; carries the kind and the user-facing reason.</summary>
internal sealed class NotaryException(NotaryFailureKind kind, string message) : Exception(message)
{
    public NotaryFailureKind Kind { get; } = kind;
}
