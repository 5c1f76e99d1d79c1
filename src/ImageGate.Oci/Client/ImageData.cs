using System.Text.Json;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;

namespace ImageGate.Oci.Client;

/// <summary>The image data Kyverno exposes through <c>image.GetMetadata()</c>: the reference parts, the
/// resolved digest (the index digest for a multi-arch image), and the raw index, manifest and config JSON.</summary>
public sealed record ImageData(
    string Image,
    string ResolvedImage,
    string Registry,
    string Repository,
    string Identifier,
    string Tag,
    string Digest,
    JsonElement? ImageIndex,
    JsonElement Manifest,
    JsonElement Config)
{
    /// <summary>Fetches what <c>GetMetadata</c> returns: manifest (platform-selected) and config; requests are
    /// shared with every other lookup of the run through the client's cache.</summary>
    public static async Task<ImageData> LoadAsync(IRegistryClient client, string image, Platform? platform = null, CancellationToken cancellationToken = default)
    {
        var reference = ImageReference.Parse(image);
        var resolved = await client.GetImageAsync(reference, platform, cancellationToken).ConfigureAwait(false);
        var config = await client.GetBlobAsync(reference, resolved.Manifest.Manifest.Config, cancellationToken).ConfigureAwait(false);
        JsonElement ConfigJson()
        {
            try
            {
                using var doc = OciJson.Parse(config);
                return doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new RegistryException(RegistryErrorKind.InvalidContent, reference.Registry, image, $"image config {resolved.Manifest.Manifest.Config.Digest} is not JSON: {e.Message}");
            }
        }
        return new ImageData(
            Image: image,
            ResolvedImage: reference.Tag is { } tag ? $"{reference.RepositoryName}:{tag}@{resolved.Digest}" : $"{reference.RepositoryName}@{resolved.Digest}",
            Registry: reference.Registry,
            Repository: reference.Repository,
            Identifier: reference.Identifier,
            Tag: reference.Tag ?? "",
            Digest: resolved.Digest,
            ImageIndex: resolved.Index is null ? null : Parse(resolved.Index.Bytes),
            Manifest: Parse(resolved.Manifest.Bytes),
            Config: ConfigJson());
    }

    /// <summary>The data as the JSON object Kyverno's policies see (field names as in Kyverno).</summary>
    public JsonElement ToJson()
    {
        var map = new Dictionary<string, object?>
        {
            ["image"] = Image,
            ["resolvedImage"] = ResolvedImage,
            ["registry"] = Registry,
            ["repository"] = Repository,
            ["identifier"] = Identifier,
            ["tag"] = Tag,
            ["digest"] = Digest,
            ["imageIndex"] = ImageIndex,
            ["manifest"] = Manifest,
            ["config"] = Config,
        };
        return JsonSerializer.SerializeToElement(map, OciJsonContext.Default.DictionaryStringObject);
    }

    private static JsonElement Parse(byte[] bytes)
    {
        using var doc = OciJson.Parse(bytes);
        return doc.RootElement.Clone();
    }
}
