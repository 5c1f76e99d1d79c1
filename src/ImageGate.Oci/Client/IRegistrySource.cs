using ImageGate.Oci.Content;
using ImageGate.Oci.References;

namespace ImageGate.Oci.Client;

/// <summary>Where content comes from: a registry over HTTP, or a local OCI image layout. Every
/// manifest and blob returned has been checked against its digest and size.</summary>
internal interface IRegistrySource : IDisposable
{
    /// <summary>Tag → descriptor (and the manifest when it had to be fetched); null when the tag does not exist.</summary>
    Task<(Descriptor Descriptor, ManifestContent? Content)?> ResolveAsync(ImageReference repository, string tag, CancellationToken ct);

    /// <summary>Manifest by tag or digest; null when it does not exist.</summary>
    Task<ManifestContent?> GetManifestAsync(ImageReference repository, string reference, CancellationToken ct);

    /// <summary>Blob content; null when it does not exist.</summary>
    Task<byte[]?> GetBlobAsync(ImageReference repository, Descriptor blob, CancellationToken ct);

    /// <summary>The referrers index from the referrers API, or null when the source has no such API.</summary>
    Task<ImageIndex?> GetReferrersAsync(ImageReference repository, string digest, CancellationToken ct);
}
