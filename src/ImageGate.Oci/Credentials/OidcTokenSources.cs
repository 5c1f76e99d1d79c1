using System.Net.Http.Headers;

namespace ImageGate.Oci.Credentials;

/// <summary>Issues OIDC ID tokens for an audience (the CI platform's workload identity).</summary>
public interface IOidcTokenSource
{
    /// <summary>An ID token (JWT) for <paramref name="audience"/>.</summary>
    Task<string> GetTokenAsync(string audience, CancellationToken cancellationToken);
}

/// <summary>GitHub Actions: <c>GET $ACTIONS_ID_TOKEN_REQUEST_URL&amp;audience=…</c> with
/// <c>Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN</c> → <c>{"value": jwt}</c>.</summary>
public sealed class GitHubActionsOidc(HttpClient http, Func<string, string?>? environment = null) : IOidcTokenSource
{
    private readonly Func<string, string?> environment = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>True when the job may request ID tokens (<c>permissions: id-token: write</c>).</summary>
    public bool IsAvailable => !string.IsNullOrEmpty(environment("ACTIONS_ID_TOKEN_REQUEST_URL")) && !string.IsNullOrEmpty(environment("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));

    /// <inheritdoc/>
    public async Task<string> GetTokenAsync(string audience, CancellationToken cancellationToken)
    {
        var url = environment("ACTIONS_ID_TOKEN_REQUEST_URL");
        var token = environment("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
        if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(token))
        {
            throw new CredentialProviderException("oidc", "ACTIONS_ID_TOKEN_REQUEST_URL is not set: add `permissions: id-token: write` to the job (not available to pull requests from forks)");
        }
        var separator = url.Contains('?') ? "&" : "?";
        var request = new HttpRequestMessage(HttpMethod.Get, $"{url}{separator}audience={Uri.EscapeDataString(audience)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var json = await ProviderHttp.SendJsonAsync(http, request, "oidc", "GitHub Actions ID token request", cancellationToken).ConfigureAwait(false);
        return ProviderHttp.RequireString(json, "value", "oidc", "GitHub Actions ID token request");
    }
}

/// <summary>Azure Pipelines: <c>POST $SYSTEM_OIDCREQUESTURI?api-version=7.1&amp;serviceConnectionId=…</c> with
/// <c>Authorization: Bearer $SYSTEM_ACCESSTOKEN</c> → <c>{"oidcToken": jwt}</c>. The audience is fixed by the
/// service connection (<c>api://AzureADTokenExchange</c>).</summary>
public sealed class AzurePipelinesOidc(HttpClient http, string serviceConnectionId, Func<string, string?>? environment = null) : IOidcTokenSource
{
    private readonly Func<string, string?> environment = environment ?? Environment.GetEnvironmentVariable;

    /// <inheritdoc/>
    public async Task<string> GetTokenAsync(string audience, CancellationToken cancellationToken)
    {
        var uri = environment("SYSTEM_OIDCREQUESTURI");
        var accessToken = environment("SYSTEM_ACCESSTOKEN");
        if (string.IsNullOrEmpty(uri) || string.IsNullOrEmpty(accessToken))
        {
            throw new CredentialProviderException("oidc", "SYSTEM_OIDCREQUESTURI or SYSTEM_ACCESSTOKEN is not set: map System.AccessToken into the task's environment");
        }
        var separator = uri.Contains('?') ? "&" : "?";
        var request = new HttpRequestMessage(HttpMethod.Post, $"{uri}{separator}api-version=7.1&serviceConnectionId={Uri.EscapeDataString(serviceConnectionId)}")
        {
            Content = new StringContent("", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var json = await ProviderHttp.SendJsonAsync(http, request, "oidc", "Azure Pipelines OIDC token request", cancellationToken).ConfigureAwait(false);
        return ProviderHttp.RequireString(json, "oidcToken", "oidc", "Azure Pipelines OIDC token request");
    }
}
