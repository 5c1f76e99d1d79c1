using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ImageGate.Oci.Auth;

namespace ImageGate.Oci.Credentials;

/// <summary>Settings of the <c>amazon</c> provider. Without static keys in the environment, a role ARN
/// (<c>AWS_ROLE_ARN</c>) and an OIDC token source are needed.</summary>
public sealed record AmazonSettings
{
    /// <summary>Role assumed with the CI OIDC token.</summary>
    public string? RoleArn { get; init; }
    /// <summary>Session name (<c>[\w+=,.@-]</c>).</summary>
    public string RoleSessionName { get; init; } = "ImageGate";
    /// <summary>Session length in seconds (900 to the role's maximum).</summary>
    public int DurationSeconds { get; init; } = 3600;
    /// <summary>Audience of the CI OIDC token.</summary>
    public string Audience { get; init; } = "sts.amazonaws.com";
    /// <summary>STS endpoint for a region.</summary>
    public Func<string, Uri> StsEndpoint { get; init; } = region => new Uri($"https://sts.{region}.amazonaws.com/");
    /// <summary>ECR API endpoint for a region.</summary>
    public Func<string, Uri> EcrEndpoint { get; init; } = region => new Uri($"https://api.ecr.{region}.amazonaws.com/");
    /// <summary>ECR Public API endpoint (us-east-1 only).</summary>
    public Uri EcrPublicEndpoint { get; init; } = new("https://api.ecr-public.us-east-1.amazonaws.com/");
    /// <summary>Clock for signing.</summary>
    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;
}

/// <summary>The <c>amazon</c> provider: ECR (<c>ACCOUNT.dkr.ecr.REGION.amazonaws.com</c>) and ECR Public.
/// AWS keys come from the environment or from STS <c>AssumeRoleWithWebIdentity</c> with the CI OIDC token;
/// then ECR <c>GetAuthorizationToken</c> (SigV4-signed) yields the registry's Basic credentials.</summary>
public sealed partial class AmazonEcrCredentials(AmazonSettings settings, IOidcTokenSource? oidc, HttpClient http, Func<string, string?>? environment = null, Action<string>? onSecret = null) : ICredentialSource
{
    private const string Provider = "amazon";
    private readonly Func<string, string?> environment = environment ?? Environment.GetEnvironmentVariable;
    private readonly ConcurrentDictionary<string, Task<RegistryCredential?>> cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly object keysLock = new();
    private Task<AwsKeys?>? keys;

    private sealed record AwsKeys(string AccessKeyId, string SecretAccessKey, string? SessionToken);

    [GeneratedRegex(@"^([0-9]{12})\.(dkr\.ecr|dkr-ecr)\.([a-z0-9-]+)\.(on\.aws|amazonaws\.com(\.cn)?|amazonaws\.eu)$", RegexOptions.IgnoreCase)]
    private static partial Regex EcrHost();

    /// <summary>The region of an ECR host, "us-east-1" for ECR Public, or null when the host is not ECR.</summary>
    public static string? RegionOf(string registry) =>
        IsPublic(registry) ? "us-east-1" : EcrHost().Match(registry) is { Success: true } m ? m.Groups[3].Value : null;

    private static bool IsPublic(string registry) => registry is "public.ecr.aws" or "ecr-public.aws.com";

    /// <inheritdoc/>
    public async ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        if (RegionOf(registry) is not { } region)
        {
            return null;
        }
        return await cache.GetOrAdd(registry, r => AuthorizeAsync(r, region, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<RegistryCredential?> AuthorizeAsync(string registry, string region, CancellationToken ct)
    {
        Task<AwsKeys?> pending;
        lock (keysLock)
        {
            pending = keys ??= KeysAsync(region, ct);
        }
        var aws = await pending.ConfigureAwait(false);
        if (aws is null)
        {
            return null;
        }
        onSecret?.Invoke(aws.SecretAccessKey);
        if (aws.SessionToken is { } session)
        {
            onSecret?.Invoke(session);
        }
        var isPublic = IsPublic(registry);
        var endpoint = isPublic ? settings.EcrPublicEndpoint : settings.EcrEndpoint(region);
        var body = "{}"u8.ToArray();
        var target = isPublic ? "SpencerFrontendService.GetAuthorizationToken" : "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";
        var now = settings.Clock();
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/x-amz-json-1.1",
            ["host"] = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Authority,
            ["x-amz-date"] = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture),
            ["x-amz-target"] = target,
        };
        if (aws.SessionToken is not null)
        {
            headers["x-amz-security-token"] = aws.SessionToken;
        }
        var authorization = SigV4.Authorize("POST", endpoint.AbsolutePath, "", headers, body, aws.AccessKeyId, aws.SecretAccessKey, region, isPublic ? "ecr-public" : "ecr", now);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", headers["x-amz-date"]);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (aws.SessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", aws.SessionToken);
        }
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var json = await ProviderHttp.SendJsonAsync(http, request, Provider, "ECR GetAuthorizationToken", ct).ConfigureAwait(false);
        var data = json.TryGetProperty("authorizationData", out var d) ? d : default;
        var entry = data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().FirstOrDefault() : data;
        var token = ProviderHttp.RequireString(entry, "authorizationToken", Provider, "ECR GetAuthorizationToken");
        onSecret?.Invoke(token);
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new CredentialProviderException(Provider, "ECR authorization token is not base64");
        }
        var colon = decoded.IndexOf(':');
        if (colon <= 0)
        {
            throw new CredentialProviderException(Provider, "ECR authorization token is not user:password");
        }
        return RegistryCredential.Basic(decoded[..colon], decoded[(colon + 1)..], "amazon ECR");
    }

    private async Task<AwsKeys?> KeysAsync(string region, CancellationToken ct)
    {
        if (environment("AWS_ACCESS_KEY_ID") is { Length: > 0 } id && environment("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secret)
        {
            // configure-aws-credentials already ran: use its keys, skip STS.
            return new AwsKeys(id, secret, environment("AWS_SESSION_TOKEN") is { Length: > 0 } session ? session : null);
        }
        var roleArn = settings.RoleArn ?? environment("AWS_ROLE_ARN");
        if (string.IsNullOrEmpty(roleArn) || oidc is null)
        {
            return null;
        }
        var webIdentity = await oidc.GetTokenAsync(settings.Audience, ct).ConfigureAwait(false);
        var request = new HttpRequestMessage(HttpMethod.Post, settings.StsEndpoint(region))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "AssumeRoleWithWebIdentity",
                ["Version"] = "2011-06-15",
                ["RoleArn"] = roleArn,
                ["RoleSessionName"] = settings.RoleSessionName,
                ["WebIdentityToken"] = webIdentity,
                ["DurationSeconds"] = settings.DurationSeconds.ToString(CultureInfo.InvariantCulture),
            }),
        };
        var body = await ProviderHttp.SendAsync(http, request, Provider, "STS AssumeRoleWithWebIdentity", ct).ConfigureAwait(false);
        try
        {
            var xml = XDocument.Parse(Encoding.UTF8.GetString(body));
            string Field(string name) => xml.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value is { Length: > 0 } v
                ? v
                : throw new CredentialProviderException(Provider, $"STS AssumeRoleWithWebIdentity returned no {name}");
            return new AwsKeys(Field("AccessKeyId"), Field("SecretAccessKey"), Field("SessionToken"));
        }
        catch (System.Xml.XmlException)
        {
            throw new CredentialProviderException(Provider, "STS AssumeRoleWithWebIdentity returned malformed XML");
        }
    }
}
