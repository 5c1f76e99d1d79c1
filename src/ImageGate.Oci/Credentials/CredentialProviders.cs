using ImageGate.Oci.Auth;

namespace ImageGate.Oci.Credentials;

/// <summary>What a run's credentials are made of: the policy's <c>credentials.providers</c> and
/// <c>credentials.secrets</c>, the <c>--registry-secret NAME=FILE</c> files, and cloud settings.</summary>
public sealed record CredentialSettings
{
    /// <summary>Kyverno provider names (<c>default</c>, <c>github</c>, <c>azure</c>, <c>amazon</c>, <c>google</c>);
    /// null means the policy has no <c>credentials</c> block, which implies <c>default</c>.</summary>
    public IReadOnlyList<string>? Providers { get; init; }
    /// <summary>Policy <c>credentials.secrets</c> names.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
    /// <summary>Docker config files given for secret names (<c>--registry-secret NAME=FILE</c>).</summary>
    public IReadOnlyDictionary<string, string> SecretFiles { get; init; } = new Dictionary<string, string>();
    /// <summary>Settings for the azure provider (null: not configured, the provider yields nothing).</summary>
    public AzureSettings? Azure { get; init; }
    /// <summary>Settings for the amazon provider.</summary>
    public AmazonSettings Amazon { get; init; } = new();
    /// <summary>Settings for the google provider (null: not configured).</summary>
    public GoogleSettings? Google { get; init; }
    /// <summary>Subject-token source for the google provider when it differs from <see cref="Oidc"/> (external account files).</summary>
    public IOidcTokenSource? GoogleOidc { get; init; }
    /// <summary>Source of CI OIDC tokens (null: none available).</summary>
    public IOidcTokenSource? Oidc { get; init; }
    /// <summary>Environment lookup (tests substitute their own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
    /// <summary>Called with every secret a cloud provider obtains on the way to registry credentials (access tokens,
    /// temporary keys) before it is used, so a CI log can mask it.</summary>
    public Action<string>? OnSecret { get; init; }
    /// <summary>Diagnostics sink; never receives secrets.</summary>
    public Action<string>? Trace { get; init; }

    /// <summary>Reads cloud settings and the OIDC source from the CI environment: <c>AZURE_TENANT_ID</c> +
    /// <c>AZURE_CLIENT_ID</c>, <c>AWS_ROLE_ARN</c>, <c>GOOGLE_WORKLOAD_IDENTITY_PROVIDER</c> (+ <c>GOOGLE_SERVICE_ACCOUNT</c>)
    /// or an <c>external_account</c> file in <c>GOOGLE_APPLICATION_CREDENTIALS</c>,
    /// GitHub Actions OIDC, or Azure Pipelines OIDC with <c>AZURESUBSCRIPTION_SERVICE_CONNECTION_ID</c>.</summary>
    public CredentialSettings WithEnvironmentDefaults(HttpClient http)
    {
        var env = Environment;
        var github = new GitHubActionsOidc(http, env);
        IOidcTokenSource? oidc = Oidc
            ?? (github.IsAvailable ? github
                : !string.IsNullOrEmpty(env("SYSTEM_OIDCREQUESTURI")) && env("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID") is { Length: > 0 } connection ? new AzurePipelinesOidc(http, connection, env)
                : null);
        GoogleSettings? google = Google;
        IOidcTokenSource? googleOidc = null;
        if (google is null && env("GOOGLE_APPLICATION_CREDENTIALS") is { Length: > 0 } file && File.Exists(file) && env("GOOGLE_WORKLOAD_IDENTITY_PROVIDER") is not { Length: > 0 })
        {
            (google, googleOidc) = GoogleExternalAccount.Load(file, http);
        }
        return this with
        {
            Oidc = oidc,
            GoogleOidc = GoogleOidc ?? googleOidc,
            Azure = Azure ?? (env("AZURE_TENANT_ID") is { Length: > 0 } tenant && env("AZURE_CLIENT_ID") is { Length: > 0 } client ? new AzureSettings(tenant, client) : null),
            Amazon = Amazon.RoleArn is null && env("AWS_ROLE_ARN") is { Length: > 0 } role ? Amazon with { RoleArn = role } : Amazon,
            Google = google ?? (env("GOOGLE_WORKLOAD_IDENTITY_PROVIDER") is { Length: > 0 } wip ? new GoogleSettings(wip) { ServiceAccount = env("GOOGLE_SERVICE_ACCOUNT") } : null),
        };
    }
}

/// <summary>Builds the credential chain the way Kyverno maps <c>credentials</c> to keychains: secrets first,
/// then the listed providers in order; each provider answers only for its own hosts, so the chain falls
/// through to anonymous access.</summary>
public static class CredentialProviders
{
    /// <summary>The provider names Kyverno accepts.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal) { "default", "github", "azure", "amazon", "google" };

    /// <summary>Builds the chain; fails with a clear message for an unknown provider or a secret without a file.</summary>
    public static ICredentialSource Build(CredentialSettings settings, HttpClient http)
    {
        var chain = new List<ICredentialSource>();
        foreach (var name in settings.Secrets)
        {
            if (!settings.SecretFiles.TryGetValue(name, out var file))
            {
                throw new CredentialProviderException("secrets", $"the policy names secret \"{name}\" but no --registry-secret {name}=FILE was given");
            }
            if (!File.Exists(file))
            {
                throw new CredentialProviderException("secrets", $"--registry-secret {name}={file}: file not found");
            }
            chain.Add(new DockerConfigCredentials([file], settings.Environment, settings.Trace));
        }
        foreach (var provider in settings.Providers ?? ["default"])
        {
            chain.Add(provider switch
            {
                "default" => DockerConfigCredentials.FromEnvironment(settings.Environment, settings.Trace),
                "github" => new GitHubCredentials(settings.Environment),
                "azure" => settings.Azure is not null && settings.Oidc is not null
                    ? new AzureContainerRegistryCredentials(settings.Azure, settings.Oidc, http, settings.OnSecret)
                    : Unconfigured("azure", "set AZURE_TENANT_ID and AZURE_CLIENT_ID and allow OIDC tokens", settings.Trace),
                "amazon" => new AmazonEcrCredentials(settings.Amazon, settings.Oidc, http, settings.Environment, settings.OnSecret),
                "google" => settings.Google is not null && (settings.GoogleOidc ?? settings.Oidc) is { } googleOidc
                    ? new GoogleCredentials(settings.Google, googleOidc, http, settings.OnSecret)
                    : Unconfigured("google", "set GOOGLE_WORKLOAD_IDENTITY_PROVIDER and allow OIDC tokens", settings.Trace),
                _ => throw new CredentialProviderException(provider, $"unknown credentials provider \"{provider}\" (expected one of {string.Join(", ", Known)})"),
            });
        }
        return new CredentialChain([.. chain]);
    }

    private static ICredentialSource Unconfigured(string provider, string hint, Action<string>? trace)
    {
        trace?.Invoke($"credentials: provider {provider} is listed but not configured ({hint}); its registries are accessed anonymously");
        return AnonymousCredentials.Instance;
    }
}
