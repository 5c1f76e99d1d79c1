using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ImageGate.Oci.Auth;

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
public sealed class GoogleCredentials(GoogleSettings settings, IOidcTokenSource oidc, HttpClient http) : ICredentialSource
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
        });
        var sts = new HttpRequestMessage(HttpMethod.Post, settings.StsEndpoint) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        var federated = ProviderHttp.RequireString(await ProviderHttp.SendJsonAsync(http, sts, Provider, "STS token exchange", ct).ConfigureAwait(false), "access_token", Provider, "STS token exchange");
        var accessToken = federated;
        if (!string.IsNullOrEmpty(settings.ServiceAccount))
        {
            var body = JsonSerializer.Serialize(new { scope = new[] { CloudPlatform }, lifetime = "3600s" });
            var impersonate = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.IamCredentialsEndpoint, $"v1/projects/-/serviceAccounts/{Uri.EscapeDataString(settings.ServiceAccount)}:generateAccessToken"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            impersonate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", federated);
            accessToken = ProviderHttp.RequireString(await ProviderHttp.SendJsonAsync(http, impersonate, Provider, $"service account impersonation of {settings.ServiceAccount}", ct).ConfigureAwait(false), "accessToken", Provider, "service account impersonation");
        }
        return RegistryCredential.Basic("oauth2accesstoken", accessToken, "google workload identity");
    }
}
