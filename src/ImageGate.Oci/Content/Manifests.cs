using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageGate.Oci.Content;

/// <summary>An image manifest (OCI or Docker schema 2).</summary>
public sealed record ImageManifest
{
    /// <summary>Schema version (2).</summary>
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; }
    /// <summary>Media type written in the manifest, if any.</summary>
    [JsonPropertyName("mediaType")] public string? MediaType { get; init; }
    /// <summary>Artifact type, if any.</summary>
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    /// <summary>Config descriptor.</summary>
    [JsonPropertyName("config")] public Descriptor Config { get; init; } = new();
    /// <summary>Layer descriptors.</summary>
    [JsonPropertyName("layers")] public IReadOnlyList<Descriptor> Layers { get; init; } = [];
    /// <summary>Subject (for referrers).</summary>
    [JsonPropertyName("subject")] public Descriptor? Subject { get; init; }
    /// <summary>Annotations.</summary>
    [JsonPropertyName("annotations")] public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>An image index (OCI) or manifest list (Docker).</summary>
public sealed record ImageIndex
{
    /// <summary>Schema version (2).</summary>
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; }
    /// <summary>Media type written in the index, if any.</summary>
    [JsonPropertyName("mediaType")] public string? MediaType { get; init; }
    /// <summary>Artifact type, if any.</summary>
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    /// <summary>Manifest descriptors.</summary>
    [JsonPropertyName("manifests")] public IReadOnlyList<Descriptor> Manifests { get; init; } = [];
    /// <summary>Subject (for referrers).</summary>
    [JsonPropertyName("subject")] public Descriptor? Subject { get; init; }
    /// <summary>Annotations.</summary>
    [JsonPropertyName("annotations")] public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>A manifest or index as fetched: its descriptor (digest verified against the bytes) and raw bytes.</summary>
public sealed class ManifestContent
{
    private static readonly JsonSerializerOptions Json = OciDocumentJson.Create(maxDepth: 32);
    private readonly object parsed;

    private ManifestContent(Descriptor descriptor, byte[] bytes, object parsed)
    {
        Descriptor = descriptor;
        Bytes = bytes;
        this.parsed = parsed;
    }

    /// <summary>Descriptor of this content: media type, verified digest and size.</summary>
    public Descriptor Descriptor { get; }

    /// <summary>The raw bytes, exactly as served (and hashed).</summary>
    public byte[] Bytes { get; }

    /// <summary>True when this is an index / manifest list.</summary>
    public bool IsIndex => parsed is ImageIndex;

    /// <summary>The manifest; throws when this is an index.</summary>
    public ImageManifest Manifest => parsed as ImageManifest
        ?? throw new InvalidOperationException($"{Descriptor.Digest} is an index ({Descriptor.MediaType}), not an image manifest");

    /// <summary>The index; throws when this is an image manifest.</summary>
    public ImageIndex Index => parsed as ImageIndex
        ?? throw new InvalidOperationException($"{Descriptor.Digest} is an image manifest ({Descriptor.MediaType}), not an index");

    /// <summary>Parses manifest bytes whose digest has already been verified. The media type comes from
    /// the content's own <c>mediaType</c>, else from <paramref name="contentType"/>, else from its shape.</summary>
    public static ManifestContent Parse(byte[] bytes, string digest, string? contentType)
    {
        JsonElement root;
        try
        {
            using var doc = OciJson.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"manifest {digest} is not valid JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"manifest {digest} is not a JSON object");
        }
        string? declared = root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
        var schemaVersion = root.TryGetProperty("schemaVersion", out var sv) && sv.ValueKind == JsonValueKind.Number && sv.TryGetInt32(out var v) ? v : 0;
        if (schemaVersion != 2)
        {
            throw new InvalidDataException($"manifest {digest} has schemaVersion {schemaVersion}; only schema 2 (OCI and Docker v2) is supported");
        }
        var type = declared ?? NormaliseContentType(contentType);
        var looksLikeIndex = root.TryGetProperty("manifests", out _);
        if (type is null || !(MediaTypes.IsIndex(type) || MediaTypes.IsManifest(type)))
        {
            // umoci and others omit mediaType; the shape decides, as OCI allows.
            type = looksLikeIndex ? MediaTypes.OciIndex : MediaTypes.OciManifest;
        }
        if (MediaTypes.IsIndex(type) != looksLikeIndex)
        {
            throw new InvalidDataException($"manifest {digest} declares {type} but its content is {(looksLikeIndex ? "an index" : "an image manifest")}");
        }
        try
        {
            object parsed = MediaTypes.IsIndex(type)
                ? root.Deserialize(Json.Info<ImageIndex>())!
                : root.Deserialize(Json.Info<ImageManifest>())!;
            var descriptor = new Descriptor { MediaType = type, Digest = digest, Size = bytes.Length };
            if (HasNullDescriptor(parsed))
            {
                throw new InvalidDataException($"manifest {digest} has a null where the {type} schema requires a descriptor or a list of them");
            }
            if (parsed is ImageIndex index)
            {
                descriptor = descriptor with { ArtifactType = index.ArtifactType, Annotations = index.Annotations };
                CheckDescriptors(digest, index.Manifests);
            }
            else if (parsed is ImageManifest manifest)
            {
                descriptor = descriptor with { ArtifactType = manifest.ArtifactType ?? manifest.Config.MediaType, Annotations = manifest.Annotations };
                CheckDescriptors(digest, [manifest.Config, .. manifest.Layers]);
            }
            return new ManifestContent(descriptor, bytes, parsed);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"manifest {digest} does not match the {type} schema: {e.Message}");
        }
    }

    // JSON null deserialises into the non-nullable properties; the schema does not allow it.
    private static bool HasNullDescriptor(object parsed) => parsed switch
    {
        ImageIndex index => index.Manifests is null || index.Manifests.Any(m => m is null),
        ImageManifest manifest => manifest.Config is null || manifest.Layers is null || manifest.Layers.Any(l => l is null),
        _ => true,
    };

    private static void CheckDescriptors(string digest, IEnumerable<Descriptor> descriptors)
    {
        foreach (var d in descriptors)
        {
            if (!OciDigest.IsValid(d.Digest) || d.Size < 0)
            {
                throw new InvalidDataException($"manifest {digest} has an invalid descriptor (digest \"{d.Digest}\", size {d.Size})");
            }
        }
    }

    private static string? NormaliseContentType(string? contentType) =>
        contentType?.Split(';')[0].Trim() is { Length: > 0 } t ? t : null;
}
