using ImageGate.Oci.Content;
using ImageGate.Oci.References;

namespace ImageGate.Oci.Client;

/// <summary>Read access to OCI registries, as the verifiers and the engine need it. Every manifest and
/// blob returned has been checked against its digest and size; results are cached for the run.</summary>
public interface IRegistryClient
{
    /// <summary>Request and cache counters of this client (for <c>--stats</c>).</summary>
    RegistryStatistics Statistics { get; }

    /// <summary>Resolves a reference to the descriptor of its manifest or index (tag → digest with HEAD,
    /// falling back to GET). A digest reference is fetched (GET) to learn its media type and size; callers
    /// that only need the digest should use <see cref="ImageReference.Digest"/> and save that request.
    /// Throws <see cref="RegistryException"/> (NotFound when it does not exist).</summary>
    Task<Descriptor> ResolveAsync(ImageReference image, CancellationToken cancellationToken = default);

    /// <summary>Fetches the manifest or index a reference names. Throws NotFound when it does not exist.</summary>
    Task<ManifestContent> GetManifestAsync(ImageReference image, CancellationToken cancellationToken = default);

    /// <summary>Fetches the manifest or index a reference names, or null when it does not exist (e.g. no cosign signature tag).</summary>
    Task<ManifestContent?> TryGetManifestAsync(ImageReference image, CancellationToken cancellationToken = default);

    /// <summary>Fetches an image, selecting the platform's manifest when the reference names an index.</summary>
    Task<ResolvedImage> GetImageAsync(ImageReference image, Platform? platform = null, CancellationToken cancellationToken = default);

    /// <summary>Fetches a blob of a repository (the reference's tag or digest is ignored).</summary>
    Task<byte[]> GetBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken = default);

    /// <summary>Lists the referrers of a manifest digest (referrers API, falling back to the
    /// <c>sha256-&lt;hex&gt;</c> tag schema), optionally only those of one artifact type.</summary>
    Task<IReadOnlyList<Descriptor>> GetReferrersAsync(ImageReference repository, string subjectDigest, string? artifactType = null, CancellationToken cancellationToken = default);
}

/// <summary>An image as fetched: the digest the reference resolved to (the index digest for a multi-arch
/// image), the index if any, and the platform's image manifest.</summary>
public sealed record ResolvedImage(ImageReference Reference, Descriptor Root, ManifestContent? Index, ManifestContent Manifest)
{
    /// <summary>The digest the reference resolved to (what signatures are made over).</summary>
    public string Digest => Root.Digest;

    /// <summary>The reference pinned to its digest: <c>registry/repo:tag@digest</c> when it had a tag.</summary>
    public string PinnedReference => Reference.Tag is { } tag
        ? $"{Reference.RepositoryName}:{tag}@{Digest}"
        : Reference.WrittenTag is { } written ? $"{Reference.RepositoryName}:{written}@{Digest}" : $"{Reference.RepositoryName}@{Digest}";
}

/// <summary>Cosign's tag scheme for signatures, attestations and SBOMs attached to a digest.</summary>
public static class CosignTags
{
    /// <summary>Tag of the signatures of <paramref name="digest"/>: <c>[prefix]sha256-&lt;hex&gt;.sig</c>.</summary>
    public static string Signature(string digest, string prefix = "") => prefix + OciDigest.ToTag(digest) + ".sig";

    /// <summary>Tag of the attestations of <paramref name="digest"/>: <c>[prefix]sha256-&lt;hex&gt;.att</c>.</summary>
    public static string Attestation(string digest, string prefix = "") => prefix + OciDigest.ToTag(digest) + ".att";

    /// <summary>Tag of the SBOM of <paramref name="digest"/>: <c>[prefix]sha256-&lt;hex&gt;.sbom</c>.</summary>
    public static string Sbom(string digest, string prefix = "") => prefix + OciDigest.ToTag(digest) + ".sbom";

    /// <summary>The cosign signature image of a digest in <paramref name="repository"/>, or null when unsigned.</summary>
    public static Task<ManifestContent?> GetSignaturesAsync(this IRegistryClient client, ImageReference repository, string digest, string prefix = "", CancellationToken cancellationToken = default) =>
        client.TryGetManifestAsync(repository.WithTag(Signature(digest, prefix)), cancellationToken);

    /// <summary>The cosign attestation image of a digest in <paramref name="repository"/>, or null when there is none.</summary>
    public static Task<ManifestContent?> GetAttestationsAsync(this IRegistryClient client, ImageReference repository, string digest, string prefix = "", CancellationToken cancellationToken = default) =>
        client.TryGetManifestAsync(repository.WithTag(Attestation(digest, prefix)), cancellationToken);
}
