using System.Text.Json.Nodes;

namespace ImageGate.Verification;

/// <summary>The port the policy engine calls for everything that needs a registry: digest resolution,
/// signature and attestation verification, verified payloads and image metadata. Implementations memoise
/// per (image digest, attestor, attestation) for the whole run.</summary>
public interface IImageVerifier
{
    /// <summary>Resolves a reference to its manifest digest (<c>sha256:…</c>).</summary>
    /// <exception cref="ImageAccessException">the registry could not be reached or answered wrongly.</exception>
    Task<string> ResolveDigestAsync(string image, RegistryAccess access, CancellationToken cancellationToken);

    /// <summary>Verifies the image's signatures against one attestor. A signature that does not verify is a
    /// failed outcome with a reason; only infrastructure failures throw.</summary>
    /// <exception cref="ImageAccessException">the registry could not be reached or answered wrongly.</exception>
    Task<AttestorOutcome> VerifySignatureAsync(string image, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken);

    /// <summary>Verifies one attestation of the image against one attestor; on success the verified payload
    /// becomes available to <see cref="GetVerifiedPayloadAsync"/>.</summary>
    /// <exception cref="ImageAccessException">the registry could not be reached or answered wrongly.</exception>
    Task<AttestorOutcome> VerifyAttestationAsync(string image, AttestationSpec attestation, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken);

    /// <summary>The verified payload of an attestation, or null when no attestor has verified it in this
    /// run. Never returns an unverified payload.</summary>
    Task<JsonNode?> GetVerifiedPayloadAsync(string image, AttestationSpec attestation, RegistryAccess access, CancellationToken cancellationToken);

    /// <summary>Image metadata: <c>image, resolvedImage, registry, repository, identifier, tag, digest,
    /// imageIndex, manifest, config</c>.</summary>
    /// <exception cref="ImageAccessException">the registry could not be reached or answered wrongly.</exception>
    Task<JsonObject> GetMetadataAsync(string image, RegistryAccess access, CancellationToken cancellationToken);
}

/// <summary>How to reach registries for one policy: its <c>credentials</c> block.</summary>
/// <param name="AllowInsecureRegistry">plain HTTP or unverified TLS allowed.</param>
/// <param name="Providers">credential providers (<c>default</c>, <c>github</c>, <c>azure</c>, <c>amazon</c>, <c>google</c>).</param>
/// <param name="Secrets">named docker-config secrets.</param>
public sealed record RegistryAccess(bool AllowInsecureRegistry, IReadOnlyList<string> Providers, IReadOnlyList<string> Secrets)
{
    /// <summary>The run's default credential sources.</summary>
    public static RegistryAccess Default { get; } = new(false, [], []);
}

/// <summary>One attestor's verdict: verified, or not with the reason a user can act on.</summary>
public sealed record AttestorOutcome(bool Verified, string? Reason)
{
    /// <summary>A successful verification.</summary>
    public static AttestorOutcome Success { get; } = new(true, null);

    /// <summary>A failed verification with its reason.</summary>
    public static AttestorOutcome Failure(string reason) => new(false, reason);
}

/// <summary>An infrastructure failure (registry unreachable, bad answer, limits exceeded): the policy
/// result becomes <c>error</c>, never a pass.</summary>
public sealed class ImageAccessException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An attestor with every expression already evaluated, as the verifiers need it.</summary>
public abstract record AttestorSpec(string Name)
{
    /// <summary>A stable key identifying the attestor's trust settings, for memoisation.</summary>
    public abstract string CacheKey { get; }
}

/// <summary>A Cosign attestor.</summary>
public sealed record CosignAttestorSpec(string Name) : AttestorSpec(Name)
{
    /// <summary>PEM public key (<c>key.data</c> or <c>key.expression</c>).</summary>
    public string? PublicKeyPem { get; init; }

    /// <summary>KMS URI (<c>key.kms</c>), not supported offline.</summary>
    public string? Kms { get; init; }

    /// <summary><c>key.hashAlgorithm</c>.</summary>
    public string HashAlgorithm { get; init; } = "sha256";

    /// <summary>PEM signing certificate (<c>certificate.cert</c>).</summary>
    public string? CertificatePem { get; init; }

    /// <summary>PEM chain (<c>certificate.certChain</c>).</summary>
    public string? CertificateChainPem { get; init; }

    /// <summary>Keyless identities; any one may match.</summary>
    public IReadOnlyList<KeylessIdentitySpec>? KeylessIdentities { get; init; }

    /// <summary>PEM Fulcio roots (<c>keyless.roots</c>).</summary>
    public string? KeylessRootsPem { get; init; }

    /// <summary>PEM Rekor public key.</summary>
    public string? RekorPublicKeyPem { get; init; }

    /// <summary>PEM CT log public key.</summary>
    public string? CtLogPublicKeyPem { get; init; }

    /// <summary>PEM TSA chain.</summary>
    public string? TsaCertificateChainPem { get; init; }

    /// <summary>Skip the transparency log.</summary>
    public bool InsecureIgnoreTlog { get; init; }

    /// <summary>Skip the SCT check.</summary>
    public bool InsecureIgnoreSct { get; init; }

    /// <summary>Inline Sigstore trusted root JSON.</summary>
    public string? TrustedRootJson { get; init; }

    /// <summary>Required signature annotations.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Repository holding the signatures (<c>source.repository</c>), if not the image's.</summary>
    public string? SignatureRepository { get; init; }

    /// <summary>Tag prefix for legacy signature tags (<c>source.tagPrefix</c>).</summary>
    public string? TagPrefix { get; init; }

    /// <inheritdoc/>
    public override string CacheKey => string.Join('\u001f',
        "cosign", PublicKeyPem, Kms, HashAlgorithm, CertificatePem, CertificateChainPem,
        string.Join('\u001e', (KeylessIdentities ?? []).Select(i => i.ToString())), KeylessRootsPem,
        RekorPublicKeyPem, CtLogPublicKeyPem, TsaCertificateChainPem, InsecureIgnoreTlog, InsecureIgnoreSct,
        TrustedRootJson, string.Join('\u001e', Annotations.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value)),
        SignatureRepository, TagPrefix);
}

/// <summary>A keyless identity: exact values or RE2 regular expressions (unanchored).</summary>
public sealed record KeylessIdentitySpec(string? Issuer, string? Subject, string? IssuerRegExp, string? SubjectRegExp);

/// <summary>A Notary attestor.</summary>
public sealed record NotaryAttestorSpec(string Name) : AttestorSpec(Name)
{
    /// <summary>PEM certificates of the trust store (leaf, intermediate or root).</summary>
    public string? CertificatesPem { get; init; }

    /// <summary>PEM certificates of the timestamp authorities.</summary>
    public string? TsaCertificatesPem { get; init; }

    /// <inheritdoc/>
    public override string CacheKey => string.Join('\u001f', "notary", CertificatesPem, TsaCertificatesPem);
}

/// <summary>An attestation kind: an in-toto predicate type (Cosign) and/or a referrer artifact type (Notary).</summary>
public sealed record AttestationSpec(string Name, string? InTotoType, string? ReferrerType);
