using System.Text.Json;

namespace ImageGate.Notation;

/// <summary>An OCI descriptor inside a signature manifest.</summary>
public sealed record BlobDescriptor(string MediaType, string Digest, long Size);

/// <summary>A Notary signature manifest: one envelope layer, optionally the subject it signs.</summary>
public sealed record NotarySignatureManifest(BlobDescriptor Envelope, BlobDescriptor? Subject)
{
    /// <summary>The artifact type (or legacy config media type) of Notary signatures.</summary>
    public const string ArtifactType = "application/vnd.cncf.notary.signature";

    /// <summary>Largest signature manifest accepted.</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    /// <summary>Largest envelope layer accepted.</summary>
    public const long MaxEnvelopeBytes = NotaryVerifier.MaxEnvelopeBytes;

    private const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    private const string ArtifactManifest = "application/vnd.oci.artifact.manifest.v1+json";

    /// <summary>Parses a signature manifest (OCI 1.1 artifactType form or the legacy config form); throws <see cref="FormatException"/> with the reason.</summary>
    public static NotarySignatureManifest Parse(byte[] manifest)
    {
        if (manifest.Length > MaxManifestBytes)
        {
            throw new FormatException($"the signature manifest is {manifest.Length} bytes, more than {MaxManifestBytes}");
        }
        var doc = StrictJson.Parse(manifest, 32, reason => new FormatException($"the signature manifest is {reason}"));
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the signature manifest is not a JSON object");
            }
            var mediaType = OptionalString(root, "mediaType");
            if (mediaType == ArtifactManifest)
            {
                throw new FormatException("OCI artifact manifests (image-spec 1.1 release candidates) are not supported for signatures; use an OCI image manifest");
            }
            if (mediaType != ImageManifest)
            {
                throw new FormatException($"the signature manifest media type must be '{ImageManifest}', found '{mediaType ?? "(none)"}'");
            }
            var configType = root.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object
                ? OptionalString(config, "mediaType") : null;
            var artifactType = OptionalString(root, "artifactType");
            if (artifactType != ArtifactType && !(artifactType is null && configType == ArtifactType))
            {
                throw new FormatException($"not a Notary signature manifest (artifactType '{artifactType ?? "(none)"}', config media type '{configType ?? "(none)"}')");
            }
            if (!root.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array || layers.GetArrayLength() != 1)
            {
                throw new FormatException("a Notary signature manifest must have exactly one layer");
            }
            var envelope = Descriptor(layers[0], "layers[0]");
            if (!NotaryVerifier.EnvelopeMediaTypes.Contains(envelope.MediaType))
            {
                throw new FormatException($"unsupported signature envelope media type '{envelope.MediaType}'");
            }
            if (envelope.Size > MaxEnvelopeBytes)
            {
                throw new FormatException($"the signature envelope is {envelope.Size} bytes, more than {MaxEnvelopeBytes}");
            }
            var subject = root.TryGetProperty("subject", out var s) ? Descriptor(s, "subject") : null;
            return new NotarySignatureManifest(envelope, subject);
        }
    }

    private static BlobDescriptor Descriptor(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} is not a descriptor object");
        }
        var mediaType = OptionalString(e, "mediaType") ?? throw new FormatException($"{where} has no mediaType");
        var digest = OptionalString(e, "digest") ?? throw new FormatException($"{where} has no digest");
        var size = e.TryGetProperty("size", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var v) && v >= 0
            ? v : throw new FormatException($"{where} has no non-negative size");
        return new BlobDescriptor(mediaType, digest, size);
    }

    private static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
