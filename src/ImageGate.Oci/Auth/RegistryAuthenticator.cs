using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ImageGate.Oci.Client;
using ImageGate.Oci.Transport;

namespace ImageGate.Oci.Auth;

/// <summary>Authentication state of one registry: the challenge it answered with (Basic or Bearer) and
/// bearer tokens cached per scope until they expire. Nothing here ever writes a secret to a log.</summary>
internal sealed class RegistryAuthenticator(
    string registry,
    RegistryClientOptions options,
    Func<HttpRequestMessage, CancellationToken, Task<(int Status, byte[] Body)>> sendTokenRequest,
    RegistryStatistics stats)
{
    private const int DefaultTokenSeconds = 60;
    private readonly ConcurrentDictionary<string, CachedToken> tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<RegistryCredential?>> credentials = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim tokenLock = new(1, 1);
    private volatile AuthChallenge? challenge;

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt);

    /// <summary>Adds the Authorization header the registry is known to want (nothing until it challenged).</summary>
    public async Task AuthorizeAsync(HttpRequestMessage message, string repository, string scope, CancellationToken ct)
    {
        var known = challenge;
        if (known is null)
        {
            return;
        }
        var credential = await CredentialAsync(repository, ct).ConfigureAwait(false);
        if (known.IsBasic)
        {
            if (credential is { HasBasic: true })
            {
                message.Headers.Authorization = BasicHeader(credential);
            }
            return;
        }
        if (credential?.RegistryToken is { Length: > 0 } registryToken)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", registryToken);
            return;
        }
        var token = await TokenAsync(known, repository, scope, credential, ct).ConfigureAwait(false);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Learns from a 401 challenge. Throws when the challenge cannot be answered.</summary>
    public async Task OnChallengeAsync(IReadOnlyList<AuthChallenge> challenges, string repository, string scope, string subject, CancellationToken ct)
    {
        var credential = await CredentialAsync(repository, ct).ConfigureAwait(false);
        if (challenges.FirstOrDefault(c => c.IsBearer) is { } bearer)
        {
            if (string.IsNullOrEmpty(bearer.Realm))
            {
                throw Unauthorized(subject, "the registry sent a Bearer challenge without a realm");
            }
            if (AddressRules.RealmRefusal(bearer.Realm, registry, options.IsInsecureAllowed(registry)) is { } refusal)
            {
                throw new RegistryException(RegistryErrorKind.Refused, registry, subject, refusal);
            }
            challenge = bearer;
            // The token we sent (if any) was not accepted: fetch a fresh one.
            tokens.TryRemove(TokenKey(bearer, scope), out _);
            Trace($"Bearer challenge: realm {bearer.Realm}, service {bearer.Service ?? "-"}");
            return;
        }
        if (challenges.FirstOrDefault(c => c.IsBasic) is { } basic)
        {
            if (credential is not { HasBasic: true })
            {
                throw Unauthorized(subject, "the registry requires Basic authentication and no credentials were found for it");
            }
            challenge = basic;
            Trace($"Basic challenge; using {credential}");
            return;
        }
        throw Unauthorized(subject, "HTTP 401 without a Basic or Bearer challenge");
    }

    /// <summary>" with &lt;credential description&gt;" or " anonymously", for error messages.</summary>
    public async Task<string> DescribeAsync(string repository, CancellationToken ct)
    {
        var credential = await CredentialAsync(repository, ct).ConfigureAwait(false);
        return credential is null ? " (anonymous)" : $" (credentials from {(credential.Source.Length > 0 ? credential.Source : "configuration")}, user {credential.Username ?? "-"})";
    }

    private async Task<RegistryCredential?> CredentialAsync(string repository, CancellationToken ct)
    {
        // An async wrapper turns a provider that throws synchronously into a faulted lookup.
        async Task<RegistryCredential?> LookupAsync(string r) => await options.Credentials.GetAsync(registry, r, ct).ConfigureAwait(false);
        var lookup = credentials.GetOrAdd(repository, LookupAsync);
        try
        {
            return await lookup.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A failed lookup (cancelled, provider down) is not remembered.
            credentials.TryRemove(new KeyValuePair<string, Task<RegistryCredential?>>(repository, lookup));
            if (e is Credentials.CredentialProviderException provider)
            {
                throw new RegistryException(RegistryErrorKind.Unauthorized, registry, $"{registry}/{repository}", $"could not obtain credentials: {provider.Message}", inner: provider);
            }
            throw;
        }
    }

    private async Task<string> TokenAsync(AuthChallenge bearer, string repository, string scope, RegistryCredential? credential, CancellationToken ct)
    {
        var key = TokenKey(bearer, scope);
        if (tokens.TryGetValue(key, out var cached) && cached.ExpiresAt > DateTimeOffset.UtcNow)
        {
            return cached.Token;
        }
        await tokenLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (tokens.TryGetValue(key, out cached) && cached.ExpiresAt > DateTimeOffset.UtcNow)
            {
                return cached.Token;
            }
            var fetched = await FetchTokenAsync(bearer, repository, scope, credential, ct).ConfigureAwait(false);
            tokens[key] = fetched;
            return fetched.Token;
        }
        finally
        {
            tokenLock.Release();
        }
    }

    private async Task<CachedToken> FetchTokenAsync(AuthChallenge bearer, string repository, string scope, RegistryCredential? credential, CancellationToken ct)
    {
        var realm = new Uri(bearer.Realm!);
        var subject = $"{registry}/{repository}";
        int status;
        byte[] body;
        if (!string.IsNullOrEmpty(credential?.IdentityToken))
        {
            // OAuth2 refresh-token grant (what docker does with an identity token).
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = credential.IdentityToken,
                ["service"] = bearer.Service ?? "",
                ["scope"] = scope,
                ["client_id"] = "imagegate",
            };
            using var post = new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
            (status, body) = await sendTokenRequest(post, ct).ConfigureAwait(false);
            if (status is 404 or 405 && credential.HasBasic)
            {
                (status, body) = await GetTokenAsync(realm, bearer, scope, credential, ct).ConfigureAwait(false);
            }
        }
        else
        {
            (status, body) = await GetTokenAsync(realm, bearer, scope, credential, ct).ConfigureAwait(false);
        }
        var who = credential is null ? "anonymous access" : $"the credentials from {(credential.Source.Length > 0 ? credential.Source : "configuration")} (user {credential.Username ?? "-"})";
        if (status is 401 or 403)
        {
            throw Unauthorized(subject, $"token server {realm.GetLeftPart(UriPartial.Path)} refused {who} for scope {scope}: HTTP {status}{RegistryConnection.ErrorDetail(body)}", status);
        }
        if (status is < 200 or >= 300)
        {
            throw new RegistryException(RegistryErrorKind.Transport, registry, subject, $"token server {realm.GetLeftPart(UriPartial.Path)} answered HTTP {status}", status);
        }
        return ParseToken(body, subject, realm);
    }

    private Task<(int Status, byte[] Body)> GetTokenAsync(Uri realm, AuthChallenge bearer, string scope, RegistryCredential? credential, CancellationToken ct)
    {
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] + "&" : "");
        if (!string.IsNullOrEmpty(bearer.Service))
        {
            query.Append("service=").Append(Uri.EscapeDataString(bearer.Service)).Append('&');
        }
        query.Append("scope=").Append(Uri.EscapeDataString(scope));
        var uri = new UriBuilder(realm) { Query = query.ToString() }.Uri;
        var get = new HttpRequestMessage(HttpMethod.Get, uri);
        if (credential is { HasBasic: true })
        {
            get.Headers.Authorization = BasicHeader(credential);
        }
        return SendAndDisposeAsync(get, ct);
    }

    private async Task<(int Status, byte[] Body)> SendAndDisposeAsync(HttpRequestMessage message, CancellationToken ct)
    {
        using (message)
        {
            return await sendTokenRequest(message, ct).ConfigureAwait(false);
        }
    }

    private CachedToken ParseToken(byte[] body, string subject, Uri realm)
    {
        try
        {
            using var doc = OciJson.Parse(body);
            var root = doc.RootElement;
            string? token = null;
            if (root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String)
            {
                token = t.GetString();
            }
            if (string.IsNullOrEmpty(token) && root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String)
            {
                token = a.GetString();
            }
            if (string.IsNullOrEmpty(token))
            {
                throw new RegistryException(RegistryErrorKind.InvalidContent, registry, subject, $"token server {realm.GetLeftPart(UriPartial.Path)} returned no token");
            }
            // Issued tokens are secrets the run obtained: reported for masking before any request carries them.
            options.OnSecret?.Invoke(token);
            if (root.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() is { Length: > 0 } refresh)
            {
                options.OnSecret?.Invoke(refresh);
            }
            var seconds = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var s) && s > 0 ? s : DefaultTokenSeconds;
            var issued = root.TryGetProperty("issued_at", out var i) && i.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(i.GetString(), out var at) && at <= DateTimeOffset.UtcNow
                ? at
                : DateTimeOffset.UtcNow;
            // Renew a little early so a token does not expire in flight.
            var expires = issued.AddSeconds(Math.Max(seconds, DefaultTokenSeconds)).AddSeconds(-10);
            return new CachedToken(token, expires);
        }
        catch (JsonException)
        {
            throw new RegistryException(RegistryErrorKind.InvalidContent, registry, subject, $"token server {realm.GetLeftPart(UriPartial.Path)} returned malformed JSON");
        }
    }

    private static string TokenKey(AuthChallenge bearer, string scope) => $"{bearer.Realm}|{bearer.Service}|{scope}";

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private RegistryException Unauthorized(string subject, string reason, int status = 401)
    {
        stats.Failure(registry);
        return new RegistryException(RegistryErrorKind.Unauthorized, registry, subject, reason, status);
    }

    private void Trace(string line) => options.Trace?.Invoke($"registry {registry}: {line}");
}
