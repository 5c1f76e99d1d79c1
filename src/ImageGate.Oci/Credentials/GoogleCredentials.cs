using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Content;

namespace ImageGate.Oci.Credentials;

/// <summary>Settings of the <c>google</c> provider: the workload identity provider
/// (<c>projects/N/locations/global/workloadIdentityPools/P/providers/X</c>) and an optional service account.</summary>
public sealed record GoogleSettings(string WorkloadIdentityProvider)
{
    /// <summary>Service account to impersonate; null uses the federated token directly.</summary>
    public string? ServiceAccount { get; init; }
    /// <summary>STS token endpoint.</summary>
    public Uri StsEndpoint { get; init; } = new("https://sts.googleapis.com/v1/token");
    /// <summary>IAM Credentials API base.</summary>
    public Uri IamCredentialsEndpoint { get; init; } = new("https://iamcredentials.googleapis.com/");
}

/// <summary>The <c>google</c> provider for <c>gcr.io</c>, <c>*.gcr.io</c>, <c>*.pkg.dev</c>: CI OIDC token →
/// STS token exchange → (optional) service-account access token → Basic <c>oauth2accesstoken</c>.</summary>
public sealed class GoogleCredentials(GoogleSettings settings, IOidcTokenSource oidc, HttpClient http, Action<string>? onSecret = null) : ICredentialSource
{
    private const string Provider = "google";
    private const string CloudPlatform = "https://www.googleapis.com/auth/cloud-platform";
    private readonly ConcurrentDictionary<string, Task<RegistryCredential>> cache = new(StringComparer.Ordinal);

    /// <summary>True for Google registry hosts (as go-containerregistry's Google keychain).</summary>
    public static bool Matches(string registry)
    {
        var host = registry.Split(':')[0].ToLowerInvariant();
        return host == "gcr.io" || host.EndsWith(".gcr.io", StringComparison.Ordinal) || host.EndsWith(".pkg.dev", StringComparison.Ordinal) || host.EndsWith(".google.com", StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public async ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        if (!Matches(registry))
        {
            return null;
        }
        // One access token serves every Google registry.
        return await cache.GetOrAdd("token", _ => ExchangeAsync(cancellationToken)).ConfigureAwait(false);
    }

    private async Task<RegistryCredential> ExchangeAsync(CancellationToken ct)
    {
        var provider = settings.WorkloadIdentityProvider.Trim('/');
        var jwt = await oidc.GetTokenAsync("https://iam.googleapis.com/" + provider, ct).ConfigureAwait(false);
        var payload = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["audience"] = "//iam.googleapis.com/" + provider,
            ["grantType"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["requestedTokenType"] = "urn:ietf:params:oauth:token-type:access_token",
            ["scope"] = CloudPlatform,
            ["subjectTokenType"] = "urn:ietf:params:oauth:token-type:jwt",
            ["subjectToken"] = jwt,
        }, OciJsonContext.Default.DictionaryStringString);
        var sts = new HttpRequestMessage(HttpMethod.Post, settings.StsEndpoint) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        var federated = ProviderHttp.RequireString(await ProviderHttp.SendJsonAsync(http, sts, Provider, "STS token exchange", ct).ConfigureAwait(false), "access_token", Provider, "STS token exchange");
        onSecret?.Invoke(federated);
        var accessToken = federated;
        if (!string.IsNullOrEmpty(settings.ServiceAccount))
        {
            var body = JsonSerializer.Serialize(new GoogleAccessTokenRequest([CloudPlatform], "3600s"), OciJsonContext.Default.GoogleAccessTokenRequest);
            var impersonate = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.IamCredentialsEndpoint, $"v1/projects/-/serviceAccounts/{Uri.EscapeDataString(settings.ServiceAccount)}:generateAccessToken"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            impersonate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", federated);
            accessToken = ProviderHttp.RequireString(await ProviderHttp.SendJsonAsync(http, impersonate, Provider, $"service account impersonation of {settings.ServiceAccount}", ct).ConfigureAwait(false), "accessToken", Provider, "service account impersonation");
            onSecret?.Invoke(accessToken);
        }
        return RegistryCredential.Basic("oauth2accesstoken", accessToken, "google workload identity");
    }
}

/// <summary>Reads the <c>external_account</c> credentials file that google-github-actions/auth writes and
/// exports as <c>GOOGLE_APPLICATION_CREDENTIALS</c>: settings for <see cref="GoogleCredentials"/> plus the
/// OIDC source it describes (<c>credential_source.url</c> with its headers).</summary>
public static class GoogleExternalAccount
{
    private const string IamPrefix = "//iam.googleapis.com/";

    /// <summary>Loads the file; fails naming the file and the field when it is not a usable external account.</summary>
    public static (GoogleSettings Settings, IOidcTokenSource Oidc) Load(string path, HttpClient http)
    {
        JsonElement root;
        try
        {
            using var doc = OciJson.Parse(File.ReadAllBytes(path));
            root = doc.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new CredentialProviderException("google", $"{path}: not a readable JSON credentials file ({e.Message})");
        }
        string Field(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new CredentialProviderException("google", $"{path}: missing \"{name}\"");
        if (Field(root, "type") != "external_account")
        {
            throw new CredentialProviderException("google", $"{path}: type is not external_account");
        }
        var audience = Field(root, "audience");
        if (!audience.StartsWith(IamPrefix, StringComparison.Ordinal))
        {
            throw new CredentialProviderException("google", $"{path}: audience is not a workload identity provider");
        }
        var settings = new GoogleSettings(audience[IamPrefix.Length..]) { StsEndpoint = new Uri(Field(root, "token_url")) };
        if (root.TryGetProperty("service_account_impersonation_url", out var impersonation) && impersonation.ValueKind == JsonValueKind.String)
        {
            // .../v1/projects/-/serviceAccounts/<email>:generateAccessToken
            var url = new Uri(impersonation.GetString()!);
            var marker = "/serviceAccounts/";
            var at = url.AbsolutePath.IndexOf(marker, StringComparison.Ordinal);
            var end = url.AbsolutePath.LastIndexOf(':');
            if (at < 0 || end <= at)
            {
                throw new CredentialProviderException("google", $"{path}: service_account_impersonation_url is not a generateAccessToken URL");
            }
            settings = settings with
            {
                ServiceAccount = Uri.UnescapeDataString(url.AbsolutePath[(at + marker.Length)..end]),
                IamCredentialsEndpoint = new Uri(url.GetLeftPart(UriPartial.Authority) + url.AbsolutePath[..(url.AbsolutePath.IndexOf("/v1/", StringComparison.Ordinal) is var v and >= 0 ? v + 1 : 1)]),
            };
        }
        var source = root.TryGetProperty("credential_source", out var cs) ? cs : default;
        var headers = new Dictionary<string, string>();
        if (source.ValueKind == JsonValueKind.Object && source.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in h.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                headers[header.Name] = header.Value.GetString()!;
            }
        }
        var fieldName = source.ValueKind == JsonValueKind.Object && source.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.Object
            && format.TryGetProperty("subject_token_field_name", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "value";
        return (settings, new UrlSubjectTokenSource(http, new Uri(Field(source, "url")), headers, fieldName));
    }

    /// <summary>Fetches the subject token from the file's URL; the audience is already in that URL.</summary>
    private sealed class UrlSubjectTokenSource(HttpClient http, Uri url, IReadOnlyDictionary<string, string> headers, string field) : IOidcTokenSource
    {
        public async Task<string> GetTokenAsync(string audience, CancellationToken cancellationToken)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            var json = await ProviderHttp.SendJsonAsync(http, request, "google", "external account subject token request", cancellationToken).ConfigureAwait(false);
            return ProviderHttp.RequireString(json, field, "google", "external account subject token request");
        }
    }
}

/// <summary>The body of IAM Credentials' <c>generateAccessToken</c> request.</summary>
internal sealed record GoogleAccessTokenRequest(
    [property: JsonPropertyName("scope")] string[] Scope,
    [property: JsonPropertyName("lifetime")] string Lifetime);
