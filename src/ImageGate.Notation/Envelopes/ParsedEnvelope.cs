using System.Security.Cryptography.X509Certificates;

namespace ImageGate.Notation.Envelopes;

/// <summary>Protected header attributes common to JWS and COSE, with labels normalised to names.</summary>
internal sealed class ProtectedHeaders
{
    public const string SigningScheme = "io.cncf.notary.signingScheme";
    public const string SigningTime = "io.cncf.notary.signingTime";
    public const string AuthenticSigningTime = "io.cncf.notary.authenticSigningTime";
    public const string Expiry = "io.cncf.notary.expiry";
    public const string VerificationPlugin = "io.cncf.notary.verificationPlugin";
    public const string VerificationPluginMinVersion = "io.cncf.notary.verificationPluginMinVersion";
    public const string PayloadContentType = "application/vnd.cncf.notary.payload.v1+json";

    /// <summary>The alg header as a JWS name (PS256…ES512), or null when absent or unknown.</summary>
    public string? Algorithm { get; set; }
    public string? ContentType { get; set; }
    public List<string>? Critical { get; set; }
    public string? Scheme { get; set; }
    public DateTimeOffset? SigningTimeValue { get; set; }
    public DateTimeOffset? AuthenticSigningTimeValue { get; set; }
    public DateTimeOffset? ExpiryValue { get; set; }

    /// <summary>Every label present in the protected header, normalised (alg, cty, crit, names, "label:N").</summary>
    public HashSet<string> Present { get; } = new(StringComparer.Ordinal);
}

/// <summary>An envelope after parsing: what was signed, by which chain, and the unsigned timestamp.</summary>
internal sealed class ParsedEnvelope
{
    public required string Format { get; init; }
    public required ProtectedHeaders Headers { get; init; }
    public required IReadOnlyList<X509Certificate2> Chain { get; init; }
    public required byte[] Payload { get; init; }

    /// <summary>The primitive signature bytes (also what an RFC 3161 timestamp stamps).</summary>
    public required byte[] Signature { get; init; }

    /// <summary>The exact bytes the signature covers (JWS signing input or COSE Sig_structure).</summary>
    public required byte[] SignedBytes { get; init; }

    /// <summary>JWS RSASSA-PSS accepts any salt length; COSE requires salt length = hash length.</summary>
    public required bool AnyPssSaltLength { get; init; }

    public byte[]? TimestampToken { get; init; }
}
