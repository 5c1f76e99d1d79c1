using System.Collections.Concurrent;

namespace ImageGate.TestSupport.Registry;

/// <summary>A loopback HTTP proxy in front of a registry that injects faults. The rule sees each request
/// and how many times that method+target was seen before; it returns a fault response or null to forward.</summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly LoopbackHttpServer server;
    private readonly HttpClient upstream;
    private readonly ConcurrentDictionary<string, int> seen = new(StringComparer.Ordinal);

    /// <summary>Starts a proxy to <paramref name="registry"/> (plain HTTP registries only).</summary>
    public FaultProxy(RegistryFixture registry)
    {
        upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = registry.BaseUri };
        server = new LoopbackHttpServer(HandleAsync);
    }

    /// <summary><c>127.0.0.1:port</c> of the proxy: use it as the registry host.</summary>
    public string Host => server.Authority;

    /// <summary>Decides faults: (request, earlier count of the same method+target) → fault or null.</summary>
    public Func<LoopbackRequest, int, Task<LoopbackResponse?>>? Rule { get; set; }

    /// <summary>Requests that reached the proxy.</summary>
    public IReadOnlyList<LoopbackRequest> Requests => server.Requests;

    /// <summary>Forwards a request to the registry and returns the response as the proxy would send it.</summary>
    public async Task<LoopbackResponse> ForwardAsync(LoopbackRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Target.TrimStart('/'));
        foreach (var (name, value) in request.Headers)
        {
            if (name is "Accept" or "Authorization")
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
        using var response = await upstream.SendAsync(message).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        var result = new LoopbackResponse((int)response.StatusCode, body);
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (header.Key is "Content-Type" or "Docker-Content-Digest" or "WWW-Authenticate" or "Location" or "Link" or "Content-Length")
            {
                result.Headers[header.Key] = string.Join(", ", header.Value);
            }
        }
        return result;
    }

    /// <summary>Stops the proxy.</summary>
    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync().ConfigureAwait(false);
        upstream.Dispose();
    }

    private async Task<LoopbackResponse> HandleAsync(LoopbackRequest request)
    {
        var count = seen.AddOrUpdate($"{request.Method} {request.Target}", 0, (_, n) => n + 1);
        if (Rule is { } rule && await rule(request, count).ConfigureAwait(false) is { } fault)
        {
            return fault;
        }
        return await ForwardAsync(request).ConfigureAwait(false);
    }
}
