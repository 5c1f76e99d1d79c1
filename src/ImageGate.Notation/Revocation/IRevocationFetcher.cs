namespace ImageGate.Notation;

/// <summary>Fetches revocation data over HTTP; injectable so tests and callers control the network.</summary>
public interface IRevocationFetcher
{
    /// <summary>GETs <paramref name="url"/> (or POSTs <paramref name="body"/> when not null) and returns the response body; throws on any failure.</summary>
    byte[] Fetch(Uri url, byte[]? body, string? contentType, TimeSpan timeout);
}

/// <summary>The default fetcher: plain HTTP, bounded response size, per-request timeout.</summary>
public sealed class HttpRevocationFetcher : IRevocationFetcher
{
    private const int MaxResponseBytes = 10 * 1024 * 1024;
    private static readonly HttpClient Client = new(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        MaxResponseContentBufferSize = MaxResponseBytes,
    };

    /// <summary>The shared instance.</summary>
    public static HttpRevocationFetcher Instance { get; } = new();

    /// <inheritdoc/>
    public byte[] Fetch(Uri url, byte[]? body, string? contentType, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType ?? "application/octet-stream");
        }
        using var response = Client.Send(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{url} answered HTTP {(int)response.StatusCode}");
        }
        using var stream = response.Content.ReadAsStream(cts.Token);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new HttpRequestException($"{url} answered more than {MaxResponseBytes} bytes");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
