using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Client;

namespace ImageGate.Oci.Transport;

/// <summary>Everything about talking HTTP to one registry: its own connection pool, scheme (HTTPS, or HTTP
/// when allowed), authentication, redirects, bounded reads, and retries under a deadline.</summary>
internal sealed class RegistryConnection : IDisposable
{
    private const int MaxRedirects = 5;
    private const int MaxErrorBodyBytes = 16 * 1024;

    private readonly string registry;
    private readonly RegistryClientOptions options;
    private readonly SemaphoreSlim gate;
    private readonly RegistryStatistics stats;
    private readonly HttpClient http;
    private readonly RegistryAuthenticator auth;
    private volatile string scheme = "https";
    private int schemeSettled;
    private readonly Lock schemeLock = new();

    public RegistryConnection(string registry, RegistryClientOptions options, SemaphoreSlim gate, RegistryStatistics stats)
    {
        this.registry = registry;
        this.options = options;
        this.gate = gate;
        this.stats = stats;
        http = CreateHttpClient(options, registry);
        auth = new RegistryAuthenticator(registry, options, SendTokenRequestAsync, stats);
    }

    public string Registry => registry;

    public void Dispose() => http.Dispose();

    /// <summary>Sends a request with retries for 429, 5xx, timeouts and broken transfers, all under the
    /// operation deadline. Returns the response for any other status (the caller decides about 404 etc.).</summary>
    public async Task<RegistryResponse> SendAsync(RegistryRequest request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.OperationDeadline);
        var started = Stopwatch.GetTimestamp();
        RegistryException? last = null;
        for (var attempt = 1; attempt <= Math.Max(1, options.MaxAttempts); attempt++)
        {
            TimeSpan? retryAfter = null;
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            attemptCts.CancelAfter(options.AttemptTimeout);
            try
            {
                return await AttemptAsync(request, attemptCts.Token).ConfigureAwait(false);
            }
            catch (TransientRegistryException e)
            {
                last = e.Failure;
                retryAfter = e.RetryAfter;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (deadline.IsCancellationRequested)
                {
                    throw Fail(RegistryErrorKind.Timeout, request, $"{request.What} did not complete within the deadline of {options.OperationDeadline.TotalSeconds:0.#} s ({attempt} attempts)", last?.StatusCode, last);
                }
                last = Error(RegistryErrorKind.Timeout, request, $"{request.What} timed out after {options.AttemptTimeout.TotalSeconds:0.#} s (no complete response)");
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ProxyTunnelError)
            {
                // A proxy that refuses the tunnel answers the same way on every attempt.
                throw Fail(RegistryErrorKind.Refused, request, $"{request.What} failed: the HTTP proxy refused the connection to {registry} ({Describe(e)})", (int?)e.StatusCode, e);
            }
            catch (HttpRequestException e) when (e.StatusCode is null && !IsTlsFailure(e))
            {
                last = Error(RegistryErrorKind.Transport, request, $"{request.What} failed: {Describe(e)}", inner: e);
            }
            catch (HttpRequestException e) when (IsTlsFailure(e))
            {
                throw Fail(RegistryErrorKind.Refused, request, $"TLS connection to {registry} failed: the server certificate is not trusted or does not match ({Describe(e)}); give its CA certificate if it is a private registry", inner: e);
            }
            catch (IOException e)
            {
                last = Error(RegistryErrorKind.Transport, request, $"{request.What} broke off while reading the response: {e.Message}", inner: e);
            }

            if (attempt >= options.MaxAttempts)
            {
                break;
            }
            var delay = retryAfter ?? Backoff(attempt);
            if (retryAfter is { } ra && ra > options.RetryMaxDelay)
            {
                throw Fail(last!.Kind, request, $"{last.Reason}; the registry asked to retry after {ra.TotalSeconds:0.#} s, longer than the {options.RetryMaxDelay.TotalSeconds:0.#} s allowed", last.StatusCode, last);
            }
            var remaining = options.OperationDeadline - Stopwatch.GetElapsedTime(started);
            if (delay >= remaining)
            {
                throw Fail(last!.Kind, request, $"{last.Reason}; no time left for another attempt within the {options.OperationDeadline.TotalSeconds:0.#} s deadline", last.StatusCode, last);
            }
            stats.Retry(registry);
            Trace($"retry {attempt}/{options.MaxAttempts - 1} of {request.What} in {delay.TotalMilliseconds:0} ms: {last!.Reason}");
            try
            {
                await Task.Delay(delay, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Fail(RegistryErrorKind.Timeout, request, $"{request.What} did not complete within the deadline of {options.OperationDeadline.TotalSeconds:0.#} s", last.StatusCode, last);
            }
        }
        throw Fail(last!.Kind, request, $"{last.Reason} (gave up after {options.MaxAttempts} attempts)", last.StatusCode, last);
    }

    private async Task<RegistryResponse> AttemptAsync(RegistryRequest request, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var response = await SendWithAuthAsync(request, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status == 429 || status >= 500)
            {
                var detail = await ReadErrorDetailAsync(response, ct).ConfigureAwait(false);
                throw new TransientRegistryException(
                    Error(RegistryErrorKind.Transport, request, $"{request.What} failed: HTTP {status}{detail}", status),
                    RetryAfter(response));
            }
            byte[] body;
            if (request.Method == HttpMethod.Head)
            {
                body = [];
            }
            else if (status is >= 200 and < 300)
            {
                body = await ReadBoundedAsync(response, request, ct).ConfigureAwait(false);
            }
            else
            {
                body = await ReadAtMostAsync(response.Content, MaxErrorBodyBytes, ct).ConfigureAwait(false);
            }
            stats.Bytes(registry, body.Length);
            return new RegistryResponse(status, response.Headers, response.Content?.Headers, body);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<HttpResponseMessage> SendWithAuthAsync(RegistryRequest request, CancellationToken ct)
    {
        var response = await SendOnceAuthorizedAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var challenges = response.Headers.WwwAuthenticate
                .Select(h => AuthChallenge.Parse(h.Scheme, h.Parameter))
                .OfType<AuthChallenge>()
                .ToList();
            response.Dispose();
            await auth.OnChallengeAsync(challenges, request.Repository, request.Scope, request.Subject, ct).ConfigureAwait(false);
            response = await SendOnceAuthorizedAsync(request, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                var detail = await ReadErrorDetailAsync(response, ct).ConfigureAwait(false);
                response.Dispose();
                throw Error(RegistryErrorKind.Unauthorized, request, $"{request.What} was refused: HTTP 401 after authenticating{await auth.DescribeAsync(request.Repository, ct).ConfigureAwait(false)}{detail}", 401);
            }
        }
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            var detail = await ReadErrorDetailAsync(response, ct).ConfigureAwait(false);
            response.Dispose();
            throw Error(RegistryErrorKind.Denied, request, $"{request.What} was denied: HTTP 403{detail}", 403);
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAuthorizedAsync(RegistryRequest request, CancellationToken ct)
    {
        while (true)
        {
            var used = scheme;
            var uri = new Uri($"{used}://{registry}/v2/{request.Path}");
            using var message = new HttpRequestMessage(request.Method, uri);
            if (request.Accept is not null)
            {
                message.Headers.TryAddWithoutValidation("Accept", request.Accept);
            }
            await auth.AuthorizeAsync(message, request.Repository, request.Scope, ct).ConfigureAwait(false);
            try
            {
                return await SendFollowingRedirectsAsync(message, request, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.StatusCode is null && used == "https" && options.IsInsecureAllowed(registry) && FallBackToHttp())
            {
                // Insecure registries: HTTPS first, then plain HTTP once (as go-containerregistry does).
                Trace($"HTTPS to {registry} failed ({Describe(e)}); falling back to plain HTTP because the registry is allowed to be insecure");
            }
        }
    }

    // Settles the scheme on plain HTTP unless a response has already settled it. A request that was in flight over HTTPS
    // when another one switched retries over HTTP as well, so with concurrent requests the outcome does not depend on
    // which one failed first. True when the request should be retried over HTTP.
    private bool FallBackToHttp()
    {
        lock (schemeLock)
        {
            if (Interlocked.CompareExchange(ref schemeSettled, 1, 0) == 0)
            {
                scheme = "http";
            }
            return scheme == "http";
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(HttpRequestMessage first, RegistryRequest request, CancellationToken ct)
    {
        var message = first;
        try
        {
            for (var hop = 0; ; hop++)
            {
                Trace($"{message.Method} {Redact(message.RequestUri!)}");
                var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                // Counted once answered: a failed HTTPS probe of a plain-HTTP registry is not a request it saw.
                stats.Request(registry);
                Interlocked.CompareExchange(ref schemeSettled, 1, 0);
                var status = (int)response.StatusCode;
                if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is null)
                {
                    return response;
                }
                var next = new Uri(message.RequestUri!, response.Headers.Location);
                response.Dispose();
                if (hop >= MaxRedirects)
                {
                    throw Error(RegistryErrorKind.InvalidContent, request, $"{request.What} was redirected more than {MaxRedirects} times");
                }
                if (next.Scheme != Uri.UriSchemeHttps && !(next.Scheme == Uri.UriSchemeHttp && options.IsInsecureAllowed(registry)))
                {
                    throw Error(RegistryErrorKind.Refused, request, $"{request.What} was redirected to {next.Scheme}://{next.Authority}, which is not HTTPS");
                }
                var redirected = new HttpRequestMessage(message.Method == HttpMethod.Head ? HttpMethod.Head : HttpMethod.Get, next);
                foreach (var accept in message.Headers.Accept)
                {
                    redirected.Headers.Accept.Add(accept);
                }
                // Credentials go only to the same origin; storage back-ends get pre-signed URLs.
                if (message.Headers.Authorization is { } authorization && next.Scheme == message.RequestUri!.Scheme && next.Authority == message.RequestUri.Authority)
                {
                    redirected.Headers.Authorization = authorization;
                }
                if (!ReferenceEquals(message, first))
                {
                    message.Dispose();
                }
                message = redirected;
            }
        }
        finally
        {
            if (!ReferenceEquals(message, first))
            {
                message.Dispose();
            }
        }
    }

    /// <summary>Token requests go through the same pool and TLS settings but are counted apart.</summary>
    private async Task<(int Status, byte[] Body)> SendTokenRequestAsync(HttpRequestMessage message, CancellationToken ct)
    {
        stats.TokenRequest(registry);
        Trace($"{message.Method} {Redact(message.RequestUri!)} (token)");
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status == 429 || status >= 500)
        {
            throw new TransientRegistryException(
                new RegistryException(RegistryErrorKind.Transport, registry, registry, $"token server {message.RequestUri!.GetLeftPart(UriPartial.Path)} failed: HTTP {status}", status),
                RetryAfter(response));
        }
        var limit = status is >= 200 and < 300 ? options.MaxTokenResponseBytes : MaxErrorBodyBytes;
        if (response.Content.Headers.ContentLength is long length && length > limit && status is >= 200 and < 300)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, registry, registry, $"token response of {length} bytes exceeds the {limit} byte limit");
        }
        var body = await ReadAtMostAsync(response.Content, limit + 1, ct).ConfigureAwait(false);
        if (body.Length > limit && status is >= 200 and < 300)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, registry, registry, $"token response exceeds the {limit} byte limit");
        }
        return (status, body);
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, RegistryRequest request, CancellationToken ct)
    {
        var limit = request.MaxBytes;
        if (response.Content.Headers.ContentLength is long length && length > limit)
        {
            throw Error(RegistryErrorKind.TooLarge, request, $"{request.What} is {length} bytes, more than the {limit} byte limit");
        }
        var body = await ReadAtMostAsync(response.Content, limit + 1, ct).ConfigureAwait(false);
        if (body.Length > limit)
        {
            throw Error(RegistryErrorKind.TooLarge, request, $"{request.What} is more than the {limit} byte limit");
        }
        if (response.Content.Headers.ContentLength is long declared && declared != body.Length)
        {
            throw new TransientRegistryException(Error(RegistryErrorKind.Transport, request, $"{request.What} was truncated: {body.Length} of {declared} bytes"));
        }
        return body;
    }

    private static async Task<byte[]> ReadAtMostAsync(HttpContent? content, long max, CancellationToken ct)
    {
        if (content is null)
        {
            return [];
        }
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (buffer.Length < max)
        {
            var want = (int)Math.Min(chunk.Length, max - buffer.Length);
            var n = await stream.ReadAsync(chunk.AsMemory(0, want), ct).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static async Task<string> ReadErrorDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var body = await ReadAtMostAsync(response.Content, MaxErrorBodyBytes, ct).ConfigureAwait(false);
            return ErrorDetail(body);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "";
        }
    }

    /// <summary>Summarises an error body: distribution-spec <c>errors</c>, or a token server's error fields.</summary>
    internal static string ErrorDetail(byte[] body)
    {
        if (body.Length == 0)
        {
            return "";
        }
        try
        {
            using var doc = OciJson.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var parts = errors.EnumerateArray().Take(3).Select(e =>
                    $"{(e.TryGetProperty("code", out var c) ? c.ToString() : "")} {(e.TryGetProperty("message", out var m) ? m.ToString() : "")}".Trim());
                return " (" + Truncate(string.Join("; ", parts), 300) + ")";
            }
            // Token servers answer {"details": …} (Docker) or {"error", "error_description"} (OAuth2).
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var text = string.Join(": ", new[] { "error", "error_description", "details", "message" }
                    .Select(k => doc.RootElement.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                    .OfType<string>());
                return text.Length > 0 ? " (" + Truncate(text, 300) + ")" : "";
            }
        }
        catch (JsonException)
        {
        }
        return "";
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";

    private TimeSpan Backoff(int attempt)
    {
        // Full jitter: uniform in [base, base * 2^(attempt-1)], capped.
        var ceiling = Math.Min(options.RetryMaxDelay.TotalMilliseconds, options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        var floor = Math.Min(options.RetryBaseDelay.TotalMilliseconds, ceiling);
        return TimeSpan.FromMilliseconds(floor + Random.Shared.NextDouble() * (ceiling - floor));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private static bool IsTlsFailure(HttpRequestException e) => e.InnerException is AuthenticationException;

    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null && messages.Count < 3; x = x.InnerException)
        {
            messages.Add(x.Message);
        }
        return string.Join(": ", messages.Distinct());
    }

    /// <summary>Drops query strings from logged URLs (pre-signed storage URLs carry credentials there).</summary>
    internal static string Redact(Uri uri) => uri.Query.Length > 0 && !uri.AbsolutePath.Contains("/v2/", StringComparison.Ordinal)
        ? uri.GetLeftPart(UriPartial.Path) + "?…"
        : uri.ToString();

    private void Trace(string line) => options.Trace?.Invoke($"registry {registry}: {line}");

    private RegistryException Error(RegistryErrorKind kind, RegistryRequest request, string reason, int? status = null, Exception? inner = null) =>
        new(kind, registry, request.Subject, reason, status, inner);

    private RegistryException Fail(RegistryErrorKind kind, RegistryRequest request, string reason, int? status = null, Exception? inner = null)
    {
        stats.Failure(registry);
        return Error(kind, request, reason, status, inner);
    }

    private static HttpClient CreateHttpClient(RegistryClientOptions options, string registry)
    {
        // The environment's proxy (HTTPS_PROXY, NO_PROXY) applies as in go-containerregistry, except for
        // loopback and private-address registries, which are always reached directly.
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = !AddressRules.IsNonPublic(AddressRules.HostOf(registry)),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(1, options.MaxConcurrency),
        };
        if (options.CaCertificates is { Count: > 0 } roots)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidateWithExtraRoots(certificate, chain, errors, roots),
            };
        }
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(options.UserAgent, null));
        return client;
    }

    /// <summary>System trust first; otherwise the chain must build to one of the extra roots. Name
    /// mismatches are never forgiven.</summary>
    private static bool ValidateWithExtraRoots(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
