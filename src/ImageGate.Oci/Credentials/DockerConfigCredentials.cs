using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ImageGate.Oci.Auth;

namespace ImageGate.Oci.Credentials;

/// <summary>Credentials from docker <c>config.json</c> files (and podman <c>auth.json</c>): <c>auths</c>,
/// <c>credHelpers</c> and <c>credsStore</c> (running <c>docker-credential-&lt;name&gt; get</c>).</summary>
public sealed class DockerConfigCredentials : ICredentialSource
{
    private const string DockerHubKey = "https://index.docker.io/v1/";
    private const int MaxConfigBytes = 1024 * 1024;
    private const int MaxHelperOutputBytes = 64 * 1024;
    private readonly IReadOnlyList<string> files;
    private readonly Func<string, string?> environment;
    private readonly Action<string>? trace;
    private readonly Lazy<IReadOnlyList<(string Path, JsonElement Root)>> configs;

    /// <summary>Reads the given files (missing files are skipped; malformed ones fail naming the file).</summary>
    public DockerConfigCredentials(IEnumerable<string> files, Func<string, string?>? environment = null, Action<string>? trace = null)
    {
        this.files = files.ToList();
        this.environment = environment ?? Environment.GetEnvironmentVariable;
        this.trace = trace;
        configs = new Lazy<IReadOnlyList<(string, JsonElement)>>(Load);
    }

    /// <summary>The files docker and podman would read, in go-containerregistry's order:
    /// <c>$DOCKER_CONFIG/config.json</c> (else <c>~/.docker/config.json</c>), <c>$REGISTRY_AUTH_FILE</c>,
    /// <c>$XDG_RUNTIME_DIR/containers/auth.json</c>.</summary>
    public static DockerConfigCredentials FromEnvironment(Func<string, string?>? environment = null, Action<string>? trace = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var paths = new List<string>();
        if (environment("DOCKER_CONFIG") is { Length: > 0 } dockerConfig)
        {
            paths.Add(Path.Combine(dockerConfig, "config.json"));
        }
        else if (environment("HOME") is { Length: > 0 } home)
        {
            paths.Add(Path.Combine(home, ".docker", "config.json"));
        }
        if (environment("REGISTRY_AUTH_FILE") is { Length: > 0 } authFile)
        {
            paths.Add(authFile);
        }
        if (environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime)
        {
            paths.Add(Path.Combine(runtime, "containers", "auth.json"));
        }
        return new DockerConfigCredentials(paths, environment, trace);
    }

    /// <inheritdoc/>
    public async ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        var keys = Keys(registry, repository);
        foreach (var (path, root) in configs.Value)
        {
            if (Helper(root, "credHelpers", registry) is { } helper)
            {
                return await RunHelperAsync(helper, ServerUrl(registry), path, cancellationToken).ConfigureAwait(false);
            }
            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in auths.EnumerateObject())
                {
                    if (keys.Contains(NormaliseKey(entry.Name)) && FromAuthEntry(entry.Value, path, entry.Name) is { } credential)
                    {
                        return credential;
                    }
                }
            }
            if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String && store.GetString() is { Length: > 0 } storeName)
            {
                if (await RunHelperAsync(storeName, ServerUrl(registry), path, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    return stored;
                }
            }
        }
        return null;
    }

    private IReadOnlyList<(string, JsonElement)> Load()
    {
        var result = new List<(string, JsonElement)>();
        foreach (var path in files)
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                continue;
            }
            if (info.Length > MaxConfigBytes)
            {
                throw new CredentialProviderException("default", $"{path} is larger than {MaxConfigBytes} bytes");
            }
            try
            {
                using var doc = OciJson.Parse(File.ReadAllBytes(path));
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new CredentialProviderException("default", $"{path}: not a JSON object");
                }
                result.Add((path, UnwrapSecret(doc.RootElement.Clone(), path)));
            }
            catch (JsonException e)
            {
                throw new CredentialProviderException("default", $"{path}:{e.LineNumber + 1}: malformed JSON ({e.Message.Split('.')[0]})");
            }
        }
        return result;
    }

    /// <summary>A Kubernetes Secret in JSON (<c>kubectl get secret -o json</c>) holds the config base64-encoded
    /// under <c>data[".dockerconfigjson"]</c> (or plain under <c>stringData</c>); anything else is the config itself.</summary>
    private static JsonElement UnwrapSecret(JsonElement root, string path)
    {
        if (!(root.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "Secret"))
        {
            return root;
        }
        string? text = null;
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty(".dockerconfigjson", out var encoded) && encoded.ValueKind == JsonValueKind.String)
        {
            try
            {
                text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.GetString()!));
            }
            catch (FormatException)
            {
                throw new CredentialProviderException("secrets", $"{path}: data[\".dockerconfigjson\"] is not base64");
            }
        }
        else if (root.TryGetProperty("stringData", out var plain) && plain.ValueKind == JsonValueKind.Object && plain.TryGetProperty(".dockerconfigjson", out var value) && value.ValueKind == JsonValueKind.String)
        {
            text = value.GetString();
        }
        if (text is null)
        {
            throw new CredentialProviderException("secrets", $"{path}: the Secret has no .dockerconfigjson (type kubernetes.io/dockerconfigjson expected)");
        }
        try
        {
            using var doc = OciJson.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CredentialProviderException("secrets", $"{path}: .dockerconfigjson is not JSON");
        }
    }

    private static HashSet<string> Keys(string registry, string repository)
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { registry, $"{registry}/{repository}" };
        if (registry is "index.docker.io" or "docker.io" or "registry-1.docker.io")
        {
            keys.UnionWith(["index.docker.io", "docker.io", "registry-1.docker.io", "index.docker.io/v1"]);
        }
        return keys;
    }

    // "https://host/v1/" → "host/v1"; "http://host" → "host"; "host" stays.
    private static string NormaliseKey(string key)
    {
        var k = key;
        var scheme = k.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            k = k[(scheme + 3)..];
        }
        k = k.TrimEnd('/');
        return k == "index.docker.io/v1" ? "index.docker.io" : k;
    }

    private static string ServerUrl(string registry) =>
        registry is "index.docker.io" or "docker.io" or "registry-1.docker.io" ? DockerHubKey : registry;

    private static string? Helper(JsonElement root, string property, string registry)
    {
        if (!root.TryGetProperty(property, out var helpers) || helpers.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (var h in helpers.EnumerateObject())
        {
            if (NormaliseKey(h.Name).Equals(NormaliseKey(ServerUrl(registry)), StringComparison.OrdinalIgnoreCase) && h.Value.ValueKind == JsonValueKind.String)
            {
                return h.Value.GetString();
            }
        }
        return null;
    }

    private static RegistryCredential? FromAuthEntry(JsonElement entry, string path, string key)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        string? Get(string name) => entry.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
        var source = $"{path} ({key})";
        string? username = Get("username"), password = Get("password");
        if (Get("auth") is { } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw new CredentialProviderException("default", $"{source}: \"auth\" is not base64");
            }
            var colon = decoded.IndexOf(':');
            if (colon <= 0)
            {
                throw new CredentialProviderException("default", $"{source}: \"auth\" is not base64 of user:password");
            }
            username = decoded[..colon];
            password = decoded[(colon + 1)..];
        }
        var identityToken = Get("identitytoken");
        var registryToken = Get("registrytoken");
        if (username is null && identityToken is null && registryToken is null)
        {
            return null;
        }
        return new RegistryCredential { Username = username, Password = password, IdentityToken = identityToken, RegistryToken = registryToken, Source = source };
    }

    private async Task<RegistryCredential?> RunHelperAsync(string name, string serverUrl, string configPath, CancellationToken ct)
    {
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new CredentialProviderException("default", $"{configPath}: invalid credential helper name \"{name}\"");
        }
        var program = FindOnPath("docker-credential-" + name);
        if (program is null)
        {
            trace?.Invoke($"credentials: docker-credential-{name} (from {configPath}) is not installed; skipping");
            return null;
        }
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("get");
        using var process = Process.Start(start) ?? throw new CredentialProviderException("default", $"could not start {program}");
        try
        {
            await process.StandardInput.WriteAsync(serverUrl).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The helper exited without reading its input; its exit code tells what happened.
        }
        var output = ReadBoundedAsync(process.StandardOutput, ct);
        var errors = ReadBoundedAsync(process.StandardError, ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new CredentialProviderException("default", $"docker-credential-{name} did not answer within 30 s");
        }
        var stdout = await output.ConfigureAwait(false);
        var stderr = await errors.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            // Helpers say "credentials not found" on stdout or stderr: that means anonymous, not an error.
            if ((stdout + stderr).Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
            throw new CredentialProviderException("default", $"docker-credential-{name} get failed with exit code {process.ExitCode}");
        }
        try
        {
            using var doc = OciJson.Parse(stdout);
            var root = doc.RootElement;
            var username = root.TryGetProperty("Username", out var u) ? u.GetString() : null;
            var secret = root.TryGetProperty("Secret", out var s) ? s.GetString() : null;
            if (string.IsNullOrEmpty(secret))
            {
                return null;
            }
            var source = $"docker-credential-{name}";
            // Docker's convention: the user name "<token>" marks an identity (refresh) token.
            return username == "<token>"
                ? new RegistryCredential { IdentityToken = secret, Source = source }
                : new RegistryCredential { Username = username, Password = secret, Source = source };
        }
        catch (JsonException)
        {
            throw new CredentialProviderException("default", $"docker-credential-{name} printed malformed JSON");
        }
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader, CancellationToken ct)
    {
        var buffer = new char[4096];
        var sb = new StringBuilder();
        int n;
        while ((n = await reader.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (sb.Length + n > MaxHelperOutputBytes)
            {
                throw new CredentialProviderException("default", "credential helper output is too large");
            }
            sb.Append(buffer, 0, n);
        }
        return sb.ToString();
    }

    private string? FindOnPath(string program) =>
        (environment("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
