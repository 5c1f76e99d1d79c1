using System.Text.Json;

namespace ImageGate.Oci.Credentials;

/// <summary>HTTP calls of the credential providers: bounded bodies, JSON answers, and errors that
/// name the step and status but never echo a request (requests carry secrets).</summary>
internal static class ProviderHttp
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>An HTTP client for token services: no redirects, verified TLS, 30 s timeout.</summary>
    public static HttpClient CreateClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<byte[]> SendAsync(HttpClient http, HttpRequestMessage request, string provider, string step, CancellationToken ct)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new CredentialProviderException(provider, $"{step} failed: {e.Message}", e);
            }
            catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw new CredentialProviderException(provider, $"{step} timed out", e);
            }
            using (response)
            {
                var body = await ReadBoundedAsync(response, provider, step, ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new CredentialProviderException(provider, $"{step} failed: HTTP {(int)response.StatusCode}{ErrorFields(body)}");
                }
                return body;
            }
        }
    }

    public static async Task<JsonElement> SendJsonAsync(HttpClient http, HttpRequestMessage request, string provider, string step, CancellationToken ct)
    {
        var body = await SendAsync(http, request, provider, step, ct).ConfigureAwait(false);
        try
        {
            using var doc = OciJson.Parse(body);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CredentialProviderException(provider, $"{step} returned malformed JSON");
        }
    }

    public static string RequireString(JsonElement element, string name, string provider, string step) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new CredentialProviderException(provider, $"{step} returned no \"{name}\"");

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string provider, string step, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBodyBytes)
            {
                throw new CredentialProviderException(provider, $"{step} returned more than {MaxBodyBytes} bytes");
            }
        }
        return buffer.ToArray();
    }

    // OAuth2 / STS error fields only: they describe the failure without echoing tokens.
    private static string ErrorFields(byte[] body)
    {
        try
        {
            using var doc = OciJson.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "";
            }
            var parts = new[] { "error", "error_description", "message", "__type" }
                .Select(k => doc.RootElement.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                .OfType<string>()
                .Select(s => s.Length > 300 ? s[..300] + "…" : s);
            var text = string.Join(": ", parts);
            return text.Length > 0 ? $" ({text})" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
