using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ImageGate.Oci.Auth;

namespace ImageGate.Oci.Credentials;

/// <summary>Settings of the <c>azure</c> provider (names as Azure SDK's workload identity:
/// <c>AZURE_TENANT_ID</c>, <c>AZURE_CLIENT_ID</c>).</summary>
public sealed record AzureSettings(string TenantId, string ClientId)
{
    /// <summary>Entra ID authority (sovereign clouds differ).</summary>
    public Uri AuthorityHost { get; init; } = new("https://login.microsoftonline.com/");
    /// <summary>Scope of the Entra ID token: the ACR audience (works when "authentication as ARM" is disabled).</summary>
    public string Scope { get; init; } = "https://containerregistry.azure.net/.default";
    /// <summary>Audience of the CI OIDC token.</summary>
    public string Audience { get; init; } = "api://AzureADTokenExchange";
    /// <summary>Base URL of a registry's <c>/oauth2/exchange</c> (default <c>https://HOST</c>).</summary>
    public Func<string, Uri> RegistryEndpoint { get; init; } = host => new Uri($"https://{host}/");
}

/// <summary>The <c>azure</c> provider for <c>*.azurecr.io|cn|de|us</c>: CI OIDC token → Entra ID
/// client-assertion token → ACR refresh token (<c>/oauth2/exchange</c>), used as the identity token of
/// the registry's Bearer flow (<c>POST /oauth2/token</c>, grant <c>refresh_token</c>).</summary>
public sealed partial class AzureContainerRegistryCredentials(AzureSettings settings, IOidcTokenSource oidc, HttpClient http, Action<string>? onSecret = null) : ICredentialSource
{
    private const string Provider = "azure";
    private readonly ConcurrentDictionary<string, Task<RegistryCredential>> cache = new(StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex(@"^.+\.(azurecr\.io|azurecr\.cn|azurecr\.de|azurecr\.us)$", RegexOptions.IgnoreCase)]
    private static partial Regex AcrHost();

    /// <summary>True for ACR hosts.</summary>
    public static bool Matches(string registry) => AcrHost().IsMatch(registry);

    /// <inheritdoc/>
    public async ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        if (!Matches(registry))
        {
            return null;
        }
        return await cache.GetOrAdd(registry, r => ExchangeAsync(r, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<RegistryCredential> ExchangeAsync(string registry, CancellationToken ct)
    {
        var assertion = await oidc.GetTokenAsync(settings.Audience, ct).ConfigureAwait(false);
        var tokenRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.AuthorityHost, $"{Uri.EscapeDataString(settings.TenantId)}/oauth2/v2.0/token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = settings.ClientId,
                ["grant_type"] = "client_credentials",
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = assertion,
                ["scope"] = settings.Scope,
            }),
        };
        var entra = await ProviderHttp.SendJsonAsync(http, tokenRequest, Provider, "Entra ID token request", ct).ConfigureAwait(false);
        var accessToken = ProviderHttp.RequireString(entra, "access_token", Provider, "Entra ID token request");
        onSecret?.Invoke(accessToken);

        var exchange = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.RegistryEndpoint(registry), "oauth2/exchange"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "access_token",
                ["service"] = registry,
                ["tenant"] = settings.TenantId,
                ["access_token"] = accessToken,
            }),
        };
        var acr = await ProviderHttp.SendJsonAsync(http, exchange, Provider, $"ACR token exchange at {registry}", ct).ConfigureAwait(false);
        var refreshToken = ProviderHttp.RequireString(acr, "refresh_token", Provider, $"ACR token exchange at {registry}");
        onSecret?.Invoke(refreshToken);
        return new RegistryCredential { Username = "00000000-0000-0000-0000-000000000000", IdentityToken = refreshToken, Source = "azure workload identity" };
    }
}
