using System.Collections.Concurrent;
using System.Text;

namespace ImageGate.Oci.Client;

/// <summary>Request counters of one run, per registry, plus cache hits (what <c>--stats</c> prints).</summary>
public sealed class RegistryStatistics
{
    private readonly ConcurrentDictionary<string, Counters> perRegistry = new(StringComparer.Ordinal);
    private long cacheHits;

    /// <summary>Counters of one registry.</summary>
    public sealed record RegistryCounters(long Requests, long TokenRequests, long Retries, long Failures, long BytesRead);

    /// <summary>Lookups answered from the per-run cache (including joins of an in-flight request).</summary>
    public long CacheHits => Interlocked.Read(ref cacheHits);

    /// <summary>Total HTTP requests sent to registries (token requests excluded).</summary>
    public long TotalRequests => perRegistry.Values.Sum(c => Interlocked.Read(ref c.Requests));

    /// <summary>A snapshot of the counters per registry host.</summary>
    public IReadOnlyDictionary<string, RegistryCounters> Snapshot() => perRegistry.ToDictionary(
        kv => kv.Key,
        kv => new RegistryCounters(Interlocked.Read(ref kv.Value.Requests), Interlocked.Read(ref kv.Value.TokenRequests),
            Interlocked.Read(ref kv.Value.Retries), Interlocked.Read(ref kv.Value.Failures), Interlocked.Read(ref kv.Value.BytesRead)));

    /// <summary>Human-readable summary, one line per registry, sorted by host.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        foreach (var (host, c) in Snapshot().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append($"registry {host}: {c.Requests} requests, {c.TokenRequests} token requests, {c.Retries} retries, {c.Failures} failures, {c.BytesRead} bytes\n");
        }
        sb.Append($"cache hits: {CacheHits}\n");
        return sb.ToString();
    }

    internal void Request(string registry) => Interlocked.Increment(ref For(registry).Requests);
    internal void TokenRequest(string registry) => Interlocked.Increment(ref For(registry).TokenRequests);
    internal void Retry(string registry) => Interlocked.Increment(ref For(registry).Retries);
    internal void Failure(string registry) => Interlocked.Increment(ref For(registry).Failures);
    internal void Bytes(string registry, long n) => Interlocked.Add(ref For(registry).BytesRead, n);
    internal void CacheHit() => Interlocked.Increment(ref cacheHits);

    private Counters For(string registry) => perRegistry.GetOrAdd(registry, _ => new Counters());

    private sealed class Counters
    {
        public long Requests;
        public long TokenRequests;
        public long Retries;
        public long Failures;
        public long BytesRead;
    }
}
