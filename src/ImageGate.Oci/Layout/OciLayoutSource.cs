using System.Text.Json;
using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;

namespace ImageGate.Oci.Layout;

/// <summary>A local OCI image layout serving one registry host's repositories, read-only
/// (<c>--registry-mirror HOST=oci:PATH</c>). A repository is <c>PATH/&lt;repository&gt;/</c> when that
/// folder is a layout; otherwise <c>PATH</c> itself, whose <c>org.opencontainers.image.ref.name</c>
/// annotations name tags as <c>tag</c>, <c>repository:tag</c> or <c>host/repository:tag</c>.
/// Content is checked against digests and sizes exactly as for a remote registry.</summary>
internal sealed class OciLayoutSource(string registry, string root, RegistryClientOptions options) : IRegistrySource
{
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    private const int MaxIndexEntries = 10_000;
    private static readonly JsonSerializerOptions IndexJson = OciDocumentJson.Create();

    public void Dispose()
    {
    }

    public async Task<(Descriptor Descriptor, ManifestContent? Content)?> ResolveAsync(ImageReference repository, string tag, CancellationToken ct)
    {
        var (layout, index) = await OpenAsync(repository, ct).ConfigureAwait(false);
        if (layout is null)
        {
            return null;
        }
        var entry = FindTag(index!, repository, tag, layout == root);
        return entry is null ? null : (entry, null);
    }

    public async Task<ManifestContent?> GetManifestAsync(ImageReference repository, string reference, CancellationToken ct)
    {
        var (layout, index) = await OpenAsync(repository, ct).ConfigureAwait(false);
        if (layout is null)
        {
            return null;
        }
        var subject = reference.Contains(':') ? $"{repository.RepositoryName}@{reference}" : $"{repository.RepositoryName}:{reference}";
        Descriptor? descriptor = reference.Contains(':')
            ? new Descriptor { Digest = reference, Size = -1 }
            : FindTag(index!, repository, reference, layout == root);
        if (descriptor is null || !OciDigest.IsValid(descriptor.Digest))
        {
            return null;
        }
        var bytes = await ReadBlobFileAsync(layout, descriptor.Digest, descriptor.Size < 0 ? options.MaxManifestBytes : Math.Min(descriptor.Size, options.MaxManifestBytes), subject, ct).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }
        if ((descriptor.Size >= 0 && bytes.LongLength != descriptor.Size) || !OciDigest.Matches(bytes, descriptor.Digest))
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, registry, subject, $"manifest file in layout {layout} does not match its digest {descriptor.Digest}");
        }
        try
        {
            return ManifestContent.Parse(bytes, descriptor.Digest, descriptor.MediaType.Length > 0 ? descriptor.MediaType : null);
        }
        catch (InvalidDataException e)
        {
            throw new RegistryException(RegistryErrorKind.InvalidContent, registry, subject, e.Message);
        }
    }

    public async Task<byte[]?> GetBlobAsync(ImageReference repository, Descriptor blob, CancellationToken ct)
    {
        var subject = $"{repository.RepositoryName}@{blob.Digest}";
        DistributionSource.CheckBlobDescriptor(blob, subject, options.MaxBlobBytes, registry);
        var (layout, _) = await OpenAsync(repository, ct).ConfigureAwait(false);
        if (layout is null)
        {
            return null;
        }
        var bytes = await ReadBlobFileAsync(layout, blob.Digest, blob.Size, subject, ct).ConfigureAwait(false);
        if (bytes is not null)
        {
            DistributionSource.VerifyBlob(bytes, blob, subject, registry);
        }
        return bytes;
    }

    public async Task<ImageIndex?> GetReferrersAsync(ImageReference repository, string digest, CancellationToken ct)
    {
        var (layout, index) = await OpenAsync(repository, ct).ConfigureAwait(false);
        if (layout is null)
        {
            return null;
        }
        // A layout has no referrers API: find manifests listed in index.json whose subject is the digest.
        var found = new List<Descriptor>();
        foreach (var entry in index!.Manifests.Where(e => MediaTypes.IsManifest(e.MediaType) || MediaTypes.IsIndex(e.MediaType)).Take(options.MaxReferrers))
        {
            var content = await GetManifestAsync(repository, entry.Digest, ct).ConfigureAwait(false);
            var subject = content is null ? null : content.IsIndex ? content.Index.Subject : content.Manifest.Subject;
            if (subject?.Digest == digest)
            {
                found.Add(content!.Descriptor with { Platform = null });
            }
        }
        return found.Count == 0 ? null : new ImageIndex { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = found };
    }

    private Descriptor? FindTag(ImageIndex index, ImageReference repository, string tag, bool shared)
    {
        string[] names = shared
            ? [$"{registry}/{repository.Repository}:{tag}", $"{repository.Repository}:{tag}", tag]
            : [tag, $"{repository.Repository}:{tag}", $"{registry}/{repository.Repository}:{tag}"];
        foreach (var name in names)
        {
            var match = index.Manifests.FirstOrDefault(m => m.Annotations is { } a && a.TryGetValue(RefNameAnnotation, out var n) && n == name);
            if (match is not null)
            {
                return match;
            }
        }
        return null;
    }

    private async Task<(string? Layout, ImageIndex? Index)> OpenAsync(ImageReference repository, CancellationToken ct)
    {
        var segments = repository.Repository.Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
        {
            throw new RegistryException(RegistryErrorKind.InvalidContent, registry, repository.RepositoryName, "repository path is not allowed in an OCI layout");
        }
        var perRepository = Path.Combine([root, .. segments]);
        var layout = File.Exists(Path.Combine(perRepository, "index.json")) ? perRepository
            : File.Exists(Path.Combine(root, "index.json")) ? root
            : null;
        if (layout is null)
        {
            if (!Directory.Exists(root))
            {
                throw new RegistryException(RegistryErrorKind.NotFound, registry, repository.RepositoryName, $"OCI layout mirror {root} does not exist");
            }
            return (null, null);
        }
        var indexPath = Path.Combine(layout, "index.json");
        var info = new FileInfo(indexPath);
        if (info.Length > options.MaxManifestBytes)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, registry, repository.RepositoryName, $"{indexPath} is larger than {options.MaxManifestBytes} bytes");
        }
        try
        {
            var bytes = await File.ReadAllBytesAsync(indexPath, ct).ConfigureAwait(false);
            var index = JsonSerializer.Deserialize(bytes, IndexJson.Info<ImageIndex>()) ?? throw new JsonException("null");
            if (index.Manifests.Count > MaxIndexEntries)
            {
                throw new RegistryException(RegistryErrorKind.TooLarge, registry, repository.RepositoryName, $"{indexPath} lists more than {MaxIndexEntries} manifests");
            }
            return (layout, index);
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.InvalidContent, registry, repository.RepositoryName, $"{indexPath} is not a valid OCI index: {e.Message}");
        }
    }

    private async Task<byte[]?> ReadBlobFileAsync(string layout, string digest, long maxBytes, string subject, CancellationToken ct)
    {
        var (algorithm, hex) = OciDigest.Split(digest);
        var path = Path.Combine(layout, "blobs", algorithm, hex);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }
        if (info.Length > maxBytes)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, registry, subject, $"{path} is {info.Length} bytes, more than the {maxBytes} bytes allowed");
        }
        return await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
    }
}
