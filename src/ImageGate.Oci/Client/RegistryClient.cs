using System.Collections.Concurrent;
using ImageGate.Oci.Content;
using ImageGate.Oci.Layout;
using ImageGate.Oci.References;
using ImageGate.Oci.Transport;

namespace ImageGate.Oci.Client;

/// <summary>The registry client of one run: one connection pool per registry, a cache keyed by digest
/// (concurrent callers of the same lookup share one request), bounded concurrency, and retries.</summary>
public sealed class RegistryClient : IRegistryClient, IDisposable
{
    private readonly RegistryClientOptions options;
    private readonly SemaphoreSlim gate;
    private readonly ConcurrentDictionary<string, IRegistrySource> sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<object?>>> cache = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource lifetime = new();

    /// <summary>Creates a client; <paramref name="options"/> defaults to anonymous, HTTPS-only access.</summary>
    public RegistryClient(RegistryClientOptions? options = null)
    {
        this.options = options ?? new RegistryClientOptions();
        gate = new SemaphoreSlim(Math.Max(1, this.options.MaxConcurrency));
    }

    /// <inheritdoc/>
    public RegistryStatistics Statistics { get; } = new();

    /// <summary>The options in force.</summary>
    public RegistryClientOptions Options => options;

    /// <inheritdoc/>
    public async Task<Descriptor> ResolveAsync(ImageReference image, CancellationToken cancellationToken = default)
    {
        if (image.IsDigest)
        {
            // A digest this run already resolved a tag to (for example a tag pinned to its digest) needs no
            // request; its content is still checked against digest and size when fetched.
            return TryPeek<Descriptor>($"descriptor|{image.RepositoryName}@{image.Digest}")
                ?? (await GetManifestAsync(image, cancellationToken).ConfigureAwait(false)).Descriptor;
        }
        var resolved = await CachedAsync($"resolve|{image.RepositoryName}:{image.Tag}", async ct =>
        {
            var result = await Source(image.Registry).ResolveAsync(image, image.Tag!, ct).ConfigureAwait(false);
            if (result is { Content: { } content })
            {
                Seed($"manifest|{image.RepositoryName}@{content.Descriptor.Digest}", content);
            }
            if (result?.Descriptor is { } found)
            {
                Seed($"descriptor|{image.RepositoryName}@{found.Digest}", found);
            }
            return result?.Descriptor;
        }, cancellationToken).ConfigureAwait(false);
        return resolved ?? throw NotFound(image, $"tag {image.Tag} not found");
    }

    /// <inheritdoc/>
    public async Task<ManifestContent> GetManifestAsync(ImageReference image, CancellationToken cancellationToken = default) =>
        await TryGetManifestAsync(image, cancellationToken).ConfigureAwait(false)
        ?? throw NotFound(image, image.IsDigest ? $"manifest {image.Digest} not found" : $"tag {image.Tag} not found");

    /// <inheritdoc/>
    public Task<ManifestContent?> TryGetManifestAsync(ImageReference image, CancellationToken cancellationToken = default)
    {
        if (image.IsDigest)
        {
            return CachedAsync($"manifest|{image.RepositoryName}@{image.Digest}",
                ct => Source(image.Registry).GetManifestAsync(image, image.Digest!, ct), cancellationToken);
        }
        return CachedAsync($"tag|{image.RepositoryName}:{image.Tag}", async ct =>
        {
            // A tag already resolved by HEAD is fetched by digest (same request count, verified content).
            if (TryPeek<Descriptor?>($"resolve|{image.RepositoryName}:{image.Tag}") is { } known)
            {
                return await TryGetManifestAsync(image.WithDigest(known.Digest), ct).ConfigureAwait(false);
            }
            var content = await Source(image.Registry).GetManifestAsync(image, image.Tag!, ct).ConfigureAwait(false);
            if (content is not null)
            {
                Seed($"manifest|{image.RepositoryName}@{content.Descriptor.Digest}", content);
                Seed($"resolve|{image.RepositoryName}:{image.Tag}", (Descriptor?)content.Descriptor);
            }
            return content;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ResolvedImage> GetImageAsync(ImageReference image, Platform? platform = null, CancellationToken cancellationToken = default)
    {
        var root = await GetManifestAsync(image, cancellationToken).ConfigureAwait(false);
        if (!root.IsIndex)
        {
            return new ResolvedImage(image, root.Descriptor, null, root);
        }
        var wanted = platform ?? options.Platform;
        var entries = root.Index.Manifests;
        var chosen = entries.FirstOrDefault(d => d.Platform is { } p && p.Satisfies(wanted) && MediaTypes.IsManifest(d.MediaType))
            ?? entries.FirstOrDefault(d => d.Platform is { } p && p.Satisfies(wanted));
        if (chosen is null)
        {
            var available = string.Join(", ", entries.Select(d => d.Platform?.ToString()).OfType<string>().Distinct());
            throw new RegistryException(RegistryErrorKind.NotFound, image.Registry, image.Original,
                $"index {root.Descriptor.Digest} has no manifest for platform {wanted} (available: {(available.Length > 0 ? available : "none")})");
        }
        var manifest = await GetManifestAsync(image.WithDigest(chosen.Digest), cancellationToken).ConfigureAwait(false);
        if (manifest.IsIndex)
        {
            throw new RegistryException(RegistryErrorKind.InvalidContent, image.Registry, image.Original, $"platform entry {chosen.Digest} of index {root.Descriptor.Digest} is itself an index");
        }
        return new ResolvedImage(image, root.Descriptor, root, manifest);
    }

    /// <inheritdoc/>
    public async Task<byte[]> GetBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken = default)
    {
        var content = await CachedAsync($"blob|{repository.RepositoryName}@{blob.Digest}",
            ct => Source(repository.Registry).GetBlobAsync(repository, blob, ct), cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, repository.Registry, $"{repository.RepositoryName}@{blob.Digest}", "blob not found");
        }
        if (content.LongLength != blob.Size || !OciDigest.Matches(content, blob.Digest))
        {
            // Same digest asked with a different size: the descriptor is wrong, not the cache.
            throw new RegistryException(RegistryErrorKind.DigestMismatch, repository.Registry, $"{repository.RepositoryName}@{blob.Digest}", $"blob is {content.LongLength} bytes, its descriptor says {blob.Size}");
        }
        return content;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Descriptor>> GetReferrersAsync(ImageReference repository, string subjectDigest, string? artifactType = null, CancellationToken cancellationToken = default)
    {
        if (!OciDigest.IsValid(subjectDigest))
        {
            throw new ArgumentException($"invalid digest \"{subjectDigest}\"", nameof(subjectDigest));
        }
        var all = await CachedAsync($"referrers|{repository.RepositoryName}@{subjectDigest}", async ct =>
        {
            var index = await Source(repository.Registry).GetReferrersAsync(repository, subjectDigest, ct).ConfigureAwait(false);
            if (index is not null)
            {
                return index.Manifests;
            }
            // Referrers tag schema: the index lives under the tag sha256-<hex> (no suffix).
            var fallback = await TryGetManifestAsync(repository.WithTag(OciDigest.ToTag(subjectDigest)), ct).ConfigureAwait(false);
            if (fallback is null)
            {
                return (IReadOnlyList<Descriptor>)[];
            }
            if (!fallback.IsIndex)
            {
                throw new RegistryException(RegistryErrorKind.InvalidContent, repository.Registry, $"{repository.RepositoryName}:{OciDigest.ToTag(subjectDigest)}",
                    "the referrers fallback tag does not hold an image index");
            }
            if (fallback.Index.Manifests.Count > options.MaxReferrers)
            {
                throw new RegistryException(RegistryErrorKind.TooLarge, repository.Registry, $"{repository.RepositoryName}@{subjectDigest}", $"more than {options.MaxReferrers} referrers");
            }
            return fallback.Index.Manifests;
        }, cancellationToken).ConfigureAwait(false);
        return artifactType is null ? all : all.Where(d => d.ArtifactType == artifactType).ToList();
    }

    /// <summary>Releases the connection pools.</summary>
    public void Dispose()
    {
        lifetime.Cancel();
        foreach (var source in sources.Values)
        {
            source.Dispose();
        }
        lifetime.Dispose();
        gate.Dispose();
    }

    private IRegistrySource Source(string registry) => sources.GetOrAdd(registry, r =>
        options.LayoutMirrors.TryGetValue(r, out var path)
            ? new OciLayoutSource(r, path, options)
            : new DistributionSource(new RegistryConnection(r, options, gate, Statistics), options));

    /// <summary>Runs <paramref name="fetch"/> once per key for the client's lifetime; concurrent callers
    /// share the in-flight task. Failures are not cached, so a later call tries again.</summary>
    private async Task<T> CachedAsync<T>(string key, Func<CancellationToken, Task<T>> fetch, CancellationToken cancellationToken)
    {
        var mine = new Lazy<Task<object?>>(async () => await fetch(lifetime.Token).ConfigureAwait(false));
        var entry = cache.GetOrAdd(key, mine);
        if (!ReferenceEquals(entry, mine))
        {
            Statistics.CacheHit();
        }
        try
        {
            return (T)(await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch when (entry.Value.IsFaulted || entry.Value.IsCanceled)
        {
            cache.TryRemove(new KeyValuePair<string, Lazy<Task<object?>>>(key, entry));
            throw;
        }
    }

    private void Seed(string key, object? value) => cache.TryAdd(key, new Lazy<Task<object?>>(Task.FromResult(value)));

    private T? TryPeek<T>(string key) =>
        cache.TryGetValue(key, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully ? (T?)entry.Value.Result : default;

    private static RegistryException NotFound(ImageReference image, string reason) =>
        new(RegistryErrorKind.NotFound, image.Registry, image.Original, reason, 404);
}
