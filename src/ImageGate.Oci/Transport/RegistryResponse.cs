using System.Net.Http.Headers;

namespace ImageGate.Oci.Transport;

/// <summary>A registry request: method, path under <c>/v2/</c>, Accept header, auth scope, and how much body to accept.</summary>
internal sealed record RegistryRequest(HttpMethod Method, string Path, string Repository, string What, string Subject)
{
    /// <summary>Accept header value, if any.</summary>
    public string? Accept { get; init; }
    /// <summary>Largest body read; a larger body fails with TooLarge.</summary>
    public long MaxBytes { get; init; }
    /// <summary>Token scope; <c>repository:&lt;repo&gt;:pull</c> by default.</summary>
    public string Scope => $"repository:{Repository}:pull";
}

/// <summary>A fully read registry response (body bounded by the request's limit).</summary>
internal sealed record RegistryResponse(int Status, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, byte[] Body)
{
    /// <summary>Media type of the Content-Type header without parameters.</summary>
    public string? ContentType => ContentHeaders?.ContentType?.MediaType;

    /// <summary>The Docker-Content-Digest header, if present.</summary>
    public string? DockerContentDigest => Headers.TryGetValues("Docker-Content-Digest", out var v) ? v.FirstOrDefault()?.Trim() : null;

    /// <summary>The Content-Length header, if present.</summary>
    public long? ContentLength => ContentHeaders?.ContentLength;
}

/// <summary>A failure worth retrying (429, 5xx, broken transfer); carries the error to report if retries run out.</summary>
internal sealed class TransientRegistryException(Client.RegistryException failure, TimeSpan? retryAfter = null) : Exception(failure.Message, failure)
{
    public Client.RegistryException Failure { get; } = failure;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
