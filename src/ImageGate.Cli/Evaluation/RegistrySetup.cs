using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Cli.Framework;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Client;
using ImageGate.Oci.Credentials;
using ImageGate.Verification;

namespace ImageGate.Cli.Evaluation;

/// <summary>The registry options every evaluating command shares, and the clients they make: one client
/// per distinct <c>credentials</c> block, so policies with the same credentials share one cache and one
/// connection pool.</summary>
public sealed class RegistrySetup : IDisposable
{
    /// <summary>The options, for the commands' option lists.</summary>
    public static IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--registry-mirror", "serve a registry host from an OCI image layout folder (offline runs)", "HOST=oci:PATH", Repeatable: true),
        new("--registry-secret", "docker config.json file for a secret named in a policy's credentials.secrets", "NAME=FILE", Repeatable: true),
        new("--ca-file", "extra trusted CA certificates (PEM) for registries", "FILE"),
        new("--insecure-registry", "allow plain HTTP or unverified TLS for this registry host", "HOST", Repeatable: true),
        new("--stats", "print registry requests and cache hits per registry to standard error"),
        new("--offline-revocation", "do not fetch OCSP or CRL for Notary certificates; report each unchecked certificate as a notice"),
    ];

    private readonly RegistrySettings settings;
    private readonly RegistryClientOptions baseOptions;
    private readonly IReadOnlyDictionary<string, string> secretFiles;
    private readonly ConcurrentDictionary<string, RegistryClient> clients = new(StringComparer.Ordinal);
    // Token services of the cloud providers: no redirects (a redirect could carry a token elsewhere), verified TLS.
    private readonly HttpClient providerHttp = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Reads the registry options of <c>apply</c> and <c>test</c>.</summary>
    public RegistrySetup(ParsedArguments args, CliContext context)
        : this(new RegistrySettings
        {
            Mirrors = args.Values("--registry-mirror"),
            Secrets = args.Values("--registry-secret"),
            CaFile = args.Value("--ca-file"),
            InsecureRegistries = args.Values("--insecure-registry"),
            ShowStats = args.Has("--stats"),
            OfflineRevocation = args.Has("--offline-revocation"),
        }, context)
    {
    }

    /// <summary>Builds the setup from settings; errors name the option or input they came from.</summary>
    public RegistrySetup(RegistrySettings settings, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        var mirrors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in settings.Mirrors)
        {
            try
            {
                var (host, path) = RegistryClientOptions.ParseMirror(text);
                mirrors[host] = context.FullPath(path);
            }
            catch (FormatException ex)
            {
                throw new UsageException($"{settings.MirrorOption} {text}: {ex.Message}");
            }
        }
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in settings.Secrets)
        {
            var eq = text.IndexOf('=');
            if (eq <= 0 || eq == text.Length - 1)
            {
                throw new UsageException($"{settings.SecretOption} {text}: expected NAME=FILE");
            }
            secrets[text[..eq]] = context.FullPath(text[(eq + 1)..]);
        }
        secretFiles = secrets;
        X509Certificate2Collection? ca = null;
        if (settings.CaFile is { } caFile)
        {
            try
            {
                ca = RegistryClientOptions.LoadCaBundle(context.FullPath(caFile));
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{settings.CaOption} {caFile}: {ex.Message}");
            }
        }
        baseOptions = new RegistryClientOptions
        {
            LayoutMirrors = mirrors,
            InsecureRegistries = settings.InsecureRegistries.ToHashSet(StringComparer.Ordinal),
            CaCertificates = ca,
            OnSecret = settings.OnSecret,
        };
        ShowStats = settings.ShowStats;
        OfflineRevocation = settings.OfflineRevocation || settings.Offline;
    }

    /// <summary>Whether <c>--stats</c> was given.</summary>
    public bool ShowStats { get; }

    /// <summary>Whether <c>--offline-revocation</c> was given.</summary>
    public bool OfflineRevocation { get; }

    /// <summary>The client for a policy's credentials block.</summary>
    public IRegistryClient ClientFor(RegistryAccess access)
    {
        var key = string.Join('\u001f', access.AllowInsecureRegistry, string.Join(',', access.Providers), string.Join(',', access.Secrets));
        return clients.GetOrAdd(key, _ =>
        {
            // A policy without a credentials block uses the run's default providers (Kyverno: the default keychain).
            var providers = access.Providers.Count == 0 && access.Secrets.Count == 0
                ? (settings.DefaultProviders.Count == 0 ? null : settings.DefaultProviders)
                : access.Providers;
            if (settings.Offline && providers is not null)
            {
                // Offline: no token exchange with cloud services; docker config and GITHUB_TOKEN need no network.
                providers = [.. providers.Where(p => p is "default" or "github")];
            }
            var credentialSettings = new CredentialSettings
            {
                Providers = providers,
                Secrets = access.Secrets,
                SecretFiles = secretFiles,
                Environment = settings.Environment,
            }.WithEnvironmentDefaults(providerHttp);
            if (settings.OnSecret is { } onSecret)
            {
                credentialSettings = credentialSettings with
                {
                    Oidc = credentialSettings.Oidc is { } oidc ? new MaskingOidcTokenSource(oidc, onSecret) : null,
                    GoogleOidc = credentialSettings.GoogleOidc is { } google ? new MaskingOidcTokenSource(google, onSecret) : null,
                    OnSecret = onSecret,
                };
            }
            ICredentialSource credentials;
            try
            {
                credentials = CredentialProviders.Build(credentialSettings, providerHttp);
                if (settings.OnSecret is { } observe)
                {
                    credentials = new MaskingCredentialSource(credentials, observe);
                }
            }
            catch (CredentialProviderException ex)
            {
                throw new ImageAccessException(ex.Message, ex);
            }
            return new RegistryClient(baseOptions with
            {
                Credentials = credentials,
                AllowInsecureRegistries = access.AllowInsecureRegistry,
            });
        });
    }

    /// <summary>Writes request counts per registry.</summary>
    public void WriteStats(TextWriter writer)
    {
        foreach (var client in clients.Values)
        {
            writer.Write(client.Statistics.Format());
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
        providerHttp.Dispose();
    }
}

/// <summary>What <see cref="RegistrySetup"/> is made from: the registry flags of <c>apply</c>/<c>test</c>, or the
/// inputs of <c>scan</c>. The option names appear in error messages.</summary>
public sealed record RegistrySettings
{
    /// <summary><c>HOST=oci:PATH</c> mirrors.</summary>
    public IReadOnlyList<string> Mirrors { get; init; } = [];

    /// <summary><c>NAME=FILE</c> docker config files for policy secrets.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>Extra trusted CA bundle.</summary>
    public string? CaFile { get; init; }

    /// <summary>Hosts reachable over plain HTTP or unverified TLS.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>Providers for policies without a <c>credentials</c> block; empty means <c>default</c>.</summary>
    public IReadOnlyList<string> DefaultProviders { get; init; } = [];

    /// <summary>Print request counts.</summary>
    public bool ShowStats { get; init; }

    /// <summary>No OCSP or CRL fetches.</summary>
    public bool OfflineRevocation { get; init; }

    /// <summary>No network beyond the registries: offline revocation, no cloud token exchange.</summary>
    public bool Offline { get; init; }

    /// <summary>Called with every secret the run obtains (registry passwords and tokens, OIDC tokens) before it is used,
    /// so CI logs can mask it.</summary>
    public Action<string>? OnSecret { get; init; }

    /// <summary>Environment lookup for credential providers.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Names used in error messages.</summary>
    public string MirrorOption { get; init; } = "--registry-mirror";

    /// <summary>Names used in error messages.</summary>
    public string SecretOption { get; init; } = "--registry-secret";

    /// <summary>Names used in error messages.</summary>
    public string CaOption { get; init; } = "--ca-file";
}

/// <summary>Reports every secret of the credentials a source hands out before returning them.</summary>
public sealed class MaskingCredentialSource(ICredentialSource inner, Action<string> onSecret) : ICredentialSource
{
    /// <inheritdoc/>
    public async ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        var credential = await inner.GetAsync(registry, repository, cancellationToken).ConfigureAwait(false);
        if (credential is not null)
        {
            foreach (var secret in credential.Secrets())
            {
                onSecret(secret);
            }
            if (credential.HasBasic)
            {
                // The Basic header form, in case anything echoes a request.
                onSecret(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
            }
        }
        return credential;
    }
}

/// <summary>Reports every OIDC token before a provider exchanges it.</summary>
public sealed class MaskingOidcTokenSource(IOidcTokenSource inner, Action<string> onSecret) : IOidcTokenSource
{
    /// <inheritdoc/>
    public async Task<string> GetTokenAsync(string audience, CancellationToken cancellationToken)
    {
        var token = await inner.GetTokenAsync(audience, cancellationToken).ConfigureAwait(false);
        onSecret(token);
        return token;
    }
}
