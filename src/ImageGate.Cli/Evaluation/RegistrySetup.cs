using System.Collections.Concurrent;
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

    private readonly RegistryClientOptions baseOptions;
    private readonly IReadOnlyDictionary<string, string> secretFiles;
    private readonly ConcurrentDictionary<string, RegistryClient> clients = new(StringComparer.Ordinal);
    // Token services of the cloud providers: no redirects (a redirect could carry a token elsewhere), verified TLS.
    private readonly HttpClient providerHttp = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Reads the registry options.</summary>
    public RegistrySetup(ParsedArguments args, CliContext context)
    {
        var mirrors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in args.Values("--registry-mirror"))
        {
            try
            {
                var (host, path) = RegistryClientOptions.ParseMirror(text);
                mirrors[host] = context.FullPath(path);
            }
            catch (FormatException ex)
            {
                throw new UsageException($"--registry-mirror {text}: {ex.Message}");
            }
        }
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in args.Values("--registry-secret"))
        {
            var eq = text.IndexOf('=');
            if (eq <= 0 || eq == text.Length - 1)
            {
                throw new UsageException($"--registry-secret {text}: expected NAME=FILE");
            }
            secrets[text[..eq]] = context.FullPath(text[(eq + 1)..]);
        }
        secretFiles = secrets;
        baseOptions = new RegistryClientOptions
        {
            LayoutMirrors = mirrors,
            InsecureRegistries = args.Values("--insecure-registry").ToHashSet(StringComparer.Ordinal),
            CaCertificates = args.Value("--ca-file") is { } ca ? RegistryClientOptions.LoadCaBundle(context.FullPath(ca)) : null,
        };
        ShowStats = args.Has("--stats");
        OfflineRevocation = args.Has("--offline-revocation");
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
            var settings = new CredentialSettings
            {
                Providers = access.Providers.Count == 0 && access.Secrets.Count == 0 ? null : access.Providers,
                Secrets = access.Secrets,
                SecretFiles = secretFiles,
            }.WithEnvironmentDefaults(providerHttp);
            ICredentialSource credentials;
            try
            {
                credentials = CredentialProviders.Build(settings, providerHttp);
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
