using ImageGate.Oci.Content;
using ImageGate.Oci.References;
using ImageGate.Oci.Transport;

namespace ImageGate.Oci.Client;

/// <summary>The OCI distribution API over HTTP(S) for one registry.</summary>
internal sealed class DistributionSource(RegistryConnection connection, RegistryClientOptions options) : IRegistrySource
{
    private string Registry => connection.Registry;

    public void Dispose() => connection.Dispose();

    public async Task<(Descriptor Descriptor, ManifestContent? Content)?> ResolveAsync(ImageReference repository, string tag, CancellationToken ct)
    {
        var subject = $"{repository.RepositoryName}:{tag}";
        var head = await connection.SendAsync(new RegistryRequest(HttpMethod.Head, $"{repository.Repository}/manifests/{tag}", repository.Repository, $"HEAD manifest {tag}", subject)
        {
            Accept = MediaTypes.ManifestAccept,
        }, ct).ConfigureAwait(false);
        if (head.Status == 404)
        {
            return null;
        }
        if (head.Status is >= 200 and < 300 && OciDigest.IsValid(head.DockerContentDigest) && head.ContentLength is long size and >= 0
            && head.ContentType is { } type && (MediaTypes.IsIndex(type) || MediaTypes.IsManifest(type)))
        {
            return (new Descriptor { MediaType = type, Digest = head.DockerContentDigest!, Size = size }, null);
        }
        // HEAD gave no usable digest (or is not supported): GET the manifest and hash it.
        var content = await GetManifestAsync(repository, tag, ct).ConfigureAwait(false);
        return content is null ? null : (content.Descriptor, content);
    }

    public async Task<ManifestContent?> GetManifestAsync(ImageReference repository, string reference, CancellationToken ct)
    {
        var byDigest = reference.Contains(':');
        var subject = byDigest ? $"{repository.RepositoryName}@{reference}" : $"{repository.RepositoryName}:{reference}";
        var response = await connection.SendAsync(new RegistryRequest(HttpMethod.Get, $"{repository.Repository}/manifests/{reference}", repository.Repository, $"GET manifest {reference}", subject)
        {
            Accept = MediaTypes.ManifestAccept,
            MaxBytes = options.MaxManifestBytes,
        }, ct).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return null;
        }
        if (response.Status is < 200 or >= 300)
        {
            throw new RegistryException(RegistryErrorKind.Transport, Registry, subject, $"GET manifest {reference} failed: HTTP {response.Status}{RegistryConnection.ErrorDetail(response.Body)}", response.Status);
        }
        string digest;
        if (byDigest)
        {
            if (!OciDigest.Matches(response.Body, reference))
            {
                throw new RegistryException(RegistryErrorKind.DigestMismatch, Registry, subject,
                    $"manifest content does not match its digest: expected {reference}, got {OciDigest.Compute(response.Body, OciDigest.Split(reference).Algorithm)}");
            }
            digest = reference;
        }
        else
        {
            var header = response.DockerContentDigest;
            digest = OciDigest.IsValid(header) ? header! : OciDigest.Compute(response.Body);
            if (!OciDigest.Matches(response.Body, digest))
            {
                throw new RegistryException(RegistryErrorKind.DigestMismatch, Registry, subject,
                    $"manifest content does not match the Docker-Content-Digest header {digest} (content hashes to {OciDigest.Compute(response.Body, OciDigest.Split(digest).Algorithm)})");
            }
        }
        return ParseManifest(response.Body, digest, response.ContentType, subject);
    }

    public async Task<byte[]?> GetBlobAsync(ImageReference repository, Descriptor blob, CancellationToken ct)
    {
        var subject = $"{repository.RepositoryName}@{blob.Digest}";
        CheckBlobDescriptor(blob, subject, options.MaxBlobBytes, Registry);
        RegistryResponse response;
        try
        {
            response = await connection.SendAsync(new RegistryRequest(HttpMethod.Get, $"{repository.Repository}/blobs/{blob.Digest}", repository.Repository, $"GET blob {blob.Digest}", subject)
            {
                MaxBytes = blob.Size,
            }, ct).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Kind == RegistryErrorKind.TooLarge)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, Registry, subject, $"blob is larger than the {blob.Size} bytes its descriptor declares", e.StatusCode, e);
        }
        if (response.Status == 404)
        {
            return null;
        }
        if (response.Status is < 200 or >= 300)
        {
            throw new RegistryException(RegistryErrorKind.Transport, Registry, subject, $"GET blob failed: HTTP {response.Status}{RegistryConnection.ErrorDetail(response.Body)}", response.Status);
        }
        VerifyBlob(response.Body, blob, subject, Registry);
        return response.Body;
    }

    public async Task<ImageIndex?> GetReferrersAsync(ImageReference repository, string digest, CancellationToken ct)
    {
        var subject = $"{repository.RepositoryName}@{digest}";
        var manifests = new List<Descriptor>();
        var path = $"{repository.Repository}/referrers/{digest}";
        for (var page = 0; page < options.MaxReferrerPages && path is not null; page++)
        {
            var response = await connection.SendAsync(new RegistryRequest(HttpMethod.Get, path, repository.Repository, $"GET referrers of {digest}", subject)
            {
                Accept = MediaTypes.OciIndex,
                MaxBytes = options.MaxManifestBytes,
            }, ct).ConfigureAwait(false);
            if (page == 0 && (response.Status is 404 or 400 or 405 or 406 || (response.Status is >= 200 and < 300 && response.ContentType != MediaTypes.OciIndex)))
            {
                return null; // no referrers API: the caller uses the tag schema
            }
            if (response.Status is < 200 or >= 300)
            {
                throw new RegistryException(RegistryErrorKind.Transport, Registry, subject, $"GET referrers failed: HTTP {response.Status}{RegistryConnection.ErrorDetail(response.Body)}", response.Status);
            }
            var content = ParseManifest(response.Body, OciDigest.Compute(response.Body), MediaTypes.OciIndex, subject);
            if (!content.IsIndex)
            {
                throw new RegistryException(RegistryErrorKind.InvalidContent, Registry, subject, "the referrers API returned something other than an image index");
            }
            manifests.AddRange(content.Index.Manifests);
            if (manifests.Count > options.MaxReferrers)
            {
                throw new RegistryException(RegistryErrorKind.TooLarge, Registry, subject, $"more than {options.MaxReferrers} referrers");
            }
            path = NextPage(response);
        }
        return new ImageIndex { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = manifests };
    }

    private string? NextPage(RegistryResponse response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }
        foreach (var link in links)
        {
            var open = link.IndexOf('<');
            var close = link.IndexOf('>');
            if (open < 0 || close <= open || !link[close..].Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                continue;
            }
            var target = link[(open + 1)..close];
            if (!Uri.TryCreate(new Uri("http://" + Registry), target, out var uri) || uri.Authority != Registry || !uri.AbsolutePath.StartsWith("/v2/", StringComparison.Ordinal))
            {
                return null; // only same-registry pagination is followed
            }
            return uri.PathAndQuery["/v2/".Length..];
        }
        return null;
    }

    private ManifestContent ParseManifest(byte[] body, string digest, string? contentType, string subject)
    {
        try
        {
            return ManifestContent.Parse(body, digest, contentType);
        }
        catch (InvalidDataException e)
        {
            throw new RegistryException(RegistryErrorKind.InvalidContent, Registry, subject, e.Message);
        }
    }

    internal static void CheckBlobDescriptor(Descriptor blob, string subject, long maxBytes, string registry)
    {
        if (!OciDigest.IsValid(blob.Digest))
        {
            throw new RegistryException(RegistryErrorKind.InvalidContent, registry, subject, $"invalid blob digest \"{blob.Digest}\"");
        }
        if (blob.Size < 0 || blob.Size > maxBytes)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, registry, subject, $"blob of {blob.Size} bytes exceeds the {maxBytes} byte limit");
        }
    }

    internal static void VerifyBlob(byte[] body, Descriptor blob, string subject, string registry)
    {
        if (body.LongLength != blob.Size)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, registry, subject, $"blob is {body.LongLength} bytes, its descriptor says {blob.Size}");
        }
        if (!OciDigest.Matches(body, blob.Digest))
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, registry, subject,
                $"blob content does not match its digest: expected {blob.Digest}, got {OciDigest.Compute(body, OciDigest.Split(blob.Digest).Algorithm)}");
        }
    }
}
