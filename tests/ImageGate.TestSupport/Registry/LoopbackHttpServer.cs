using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ImageGate.TestSupport.Registry;

/// <summary>A request received by a <see cref="LoopbackHttpServer"/>.</summary>
public sealed record LoopbackRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>Path without the query.</summary>
    public string Path => Target.Split('?')[0];

    /// <summary>Decoded query parameters (repeated names keep every value).</summary>
    public ILookup<string, string> Query => (Target.Contains('?') ? Target[(Target.IndexOf('?') + 1)..] : "")
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .ToLookup(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");

    /// <summary>A header value or null (names are case-insensitive).</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The body parsed as an <c>application/x-www-form-urlencoded</c> form.</summary>
    public IReadOnlyDictionary<string, string> Form => BodyText.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");
}

/// <summary>What a <see cref="LoopbackHttpServer"/> answers, including deliberate faults.</summary>
public sealed record LoopbackResponse(int Status, byte[] Body)
{
    /// <summary>Response headers (Content-Length is added unless <see cref="DeclaredLength"/> overrides it).</summary>
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Content-Length to announce when it should differ from the body (a truncated body).</summary>
    public long? DeclaredLength { get; init; }
    /// <summary>Send this many body bytes, then stall (never finish) until the client gives up.</summary>
    public int? StallAfterBytes { get; init; }

    /// <summary>A copy with one more header.</summary>
    public LoopbackResponse WithHeader(string name, string value)
    {
        var copy = this with { Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) };
        copy.Headers[name] = value;
        return copy;
    }

    /// <summary>A text or JSON response.</summary>
    public static LoopbackResponse Text(int status, string body, string contentType = "application/json") =>
        new(status, Encoding.UTF8.GetBytes(body)) { Headers = { ["Content-Type"] = contentType } };
}

/// <summary>A small HTTP/1.1 server on 127.0.0.1 for token servers, cloud-service stubs and fault
/// proxies. One request per connection (it answers with <c>Connection: close</c>); requests are recorded.</summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 64 * 1024 * 1024;
    private readonly TcpListener listener;
    private readonly Func<LoopbackRequest, Task<LoopbackResponse>> handler;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;
    private readonly ConcurrentQueue<LoopbackRequest> requests = new();

    /// <summary>Starts listening on a free loopback port.</summary>
    public LoopbackHttpServer(Func<LoopbackRequest, Task<LoopbackResponse>> handler)
    {
        this.handler = handler;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Authority => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseUri => new($"http://{Authority}");

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<LoopbackRequest> Requests => requests.ToArray();

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        try
        {
            await acceptLoop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, stop.Token).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }
                requests.Enqueue(request);
                LoopbackResponse response;
                try
                {
                    response = await handler(request).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    response = LoopbackResponse.Text(500, "{\"error\":\"" + e.GetType().Name + "\"}");
                }
                await WriteResponseAsync(stream, request, response, stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private static async Task<LoopbackRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < MaxHeaderBytes)
        {
            if (await stream.ReadAsync(one, ct).ConfigureAwait(false) == 0)
            {
                return null;
            }
            if (head.Count == 0 && one[0] == 0x16)
            {
                return null; // a TLS ClientHello: plain HTTP only, hang up at once so HTTPS probes fail fast
            }
            head.Add(one[0]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                break;
            }
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n");
        var start = lines[0].Split(' ');
        if (start.Length < 3)
        {
            return null;
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
            }
        }
        var length = headers.TryGetValue("Content-Length", out var cl) && int.TryParse(cl, out var n) ? Math.Min(n, MaxBodyBytes) : 0;
        var body = new byte[length];
        var read = 0;
        while (read < length)
        {
            var got = await stream.ReadAsync(body.AsMemory(read), ct).ConfigureAwait(false);
            if (got == 0)
            {
                break;
            }
            read += got;
        }
        return new LoopbackRequest(start[0], start[1], headers, body);
    }

    private async Task WriteResponseAsync(NetworkStream stream, LoopbackRequest request, LoopbackResponse response, CancellationToken ct)
    {
        var sb = new StringBuilder();
        sb.Append($"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\n");
        foreach (var (name, value) in response.Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            sb.Append($"{name}: {value}\r\n");
        }
        var declared = response.DeclaredLength ?? (response.Headers.TryGetValue("Content-Length", out var cl) ? long.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : response.Body.Length);
        sb.Append($"Content-Length: {declared}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()), ct).ConfigureAwait(false);
        if (request.Method == "HEAD")
        {
            return;
        }
        if (response.StallAfterBytes is int stallAt)
        {
            await stream.WriteAsync(response.Body.AsMemory(0, Math.Min(stallAt, response.Body.Length)), ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        await stream.WriteAsync(response.Body, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
