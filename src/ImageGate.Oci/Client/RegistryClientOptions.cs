using System.Security.Cryptography.X509Certificates;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Content;

namespace ImageGate.Oci.Client;

/// <summary>Settings of a <see cref="RegistryClient"/>. Defaults are safe: TLS verified, HTTPS only, bounded sizes.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>Platform chosen from an index (default <c>linux/amd64</c>).</summary>
    public Platform Platform { get; init; } = Platform.Default;

    /// <summary>Largest manifest or index read (default 4 MiB, as the distribution spec suggests).</summary>
    public long MaxManifestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest blob read into memory (default 64 MiB).</summary>
    public long MaxBlobBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Largest token-server response (default 64 KiB).</summary>
    public long MaxTokenResponseBytes { get; init; } = 64 * 1024;

    /// <summary>Most referrers collected for one subject, over all pages.</summary>
    public int MaxReferrers { get; init; } = 1000;

    /// <summary>Most pages followed through <c>Link: rel="next"</c>.</summary>
    public int MaxReferrerPages { get; init; } = 16;

    /// <summary>Most HTTP requests in flight at once, over all registries.</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Attempts per request (first try included) for 429, 5xx, timeouts and broken transfers.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Timeout of one attempt, response body included (catches stalled bodies).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Total time one operation may take, retries and waits included.</summary>
    public TimeSpan OperationDeadline { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>First backoff delay; doubles per retry, with full jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between attempts, Retry-After included.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Registry hosts (<c>host[:port]</c>) that may be reached over plain HTTP (policy
    /// <c>credentials.allowInsecureRegistry</c>). HTTPS is still tried first.</summary>
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>();

    /// <summary>Allow plain HTTP for every registry (policy <c>credentials.allowInsecureRegistry: true</c>).</summary>
    public bool AllowInsecureRegistries { get; init; }

    /// <summary>Extra trusted root certificates (a custom CA bundle), added to the system roots.</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>Called with every token a registry's token server issues (access and refresh tokens) before it is
    /// used, so a CI log can mask it.</summary>
    public Action<string>? OnSecret { get; init; }

    /// <summary>Where credentials come from (anonymous by default).</summary>
    public ICredentialSource Credentials { get; init; } = AnonymousCredentials.Instance;

    /// <summary>Registries served from a local OCI image layout instead of the network: host → layout path.</summary>
    public IReadOnlyDictionary<string, string> LayoutMirrors { get; init; } = new Dictionary<string, string>();

    /// <summary>Receives one line per request and decision; never secrets.</summary>
    public Action<string>? Trace { get; init; }

    /// <summary>User-Agent header.</summary>
    public string UserAgent { get; init; } = "imagegate";

    /// <summary>True when plain HTTP is allowed for <paramref name="registry"/>.</summary>
    public bool IsInsecureAllowed(string registry) => AllowInsecureRegistries || InsecureRegistries.Contains(registry);

    /// <summary>Loads a PEM bundle of CA certificates (for <see cref="CaCertificates"/>); fails naming the file when it has none.</summary>
    public static X509Certificate2Collection LoadCaBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new InvalidDataException($"{path}: not a readable PEM certificate bundle ({e.Message})", e);
        }
        return bundle.Count > 0 ? bundle : throw new InvalidDataException($"{path}: no PEM certificates found");
    }

    /// <summary>Parses <c>HOST=oci:PATH</c> (the <c>--registry-mirror</c> syntax) into a mirror entry.</summary>
    public static KeyValuePair<string, string> ParseMirror(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0 || !text.AsSpan(eq + 1).StartsWith("oci:", StringComparison.Ordinal) || text.Length <= eq + 5)
        {
            throw new FormatException($"invalid registry mirror \"{text}\": expected HOST=oci:PATH");
        }
        return new(text[..eq], text[(eq + 5)..]);
    }
}
