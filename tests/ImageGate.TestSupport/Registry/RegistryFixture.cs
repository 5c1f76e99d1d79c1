using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImageGate.TestSupport.Registry;

/// <summary>How a <see cref="RegistryFixture"/> authenticates clients.</summary>
public enum RegistryAuthMode
{
    /// <summary>Anonymous read and write.</summary>
    None,
    /// <summary>htpasswd Basic authentication.</summary>
    Basic,
    /// <summary>Bearer tokens from a loopback <see cref="TokenServer"/>.</summary>
    Token,
}

/// <summary>Options of a <see cref="RegistryFixture"/>.</summary>
public sealed record RegistryFixtureOptions
{
    /// <summary>Authentication mode.</summary>
    public RegistryAuthMode Auth { get; init; } = RegistryAuthMode.None;
    /// <summary>Serve HTTPS with a certificate from a generated CA.</summary>
    public bool Tls { get; init; }
    /// <summary>Users (name → password) for Basic and Token modes.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string> { ["tester"] = "s3cret-pass" };
}

/// <summary>One access-log line of the registry.</summary>
public sealed record AccessLogEntry(string Method, string Path, int Status);

/// <summary>Debian's <c>docker-registry</c> (distribution 2.8) on 127.0.0.1 and a free port, with its own
/// storage folder, optional htpasswd/TLS/token auth, an access log for counting requests, and helpers
/// to push blobs, manifests, indexes and referrers.</summary>
public sealed class RegistryFixture : IAsyncDisposable
{
    private static readonly Regex AccessLine = new("\"(GET|HEAD|PUT|POST|PATCH|DELETE) (\\S+) HTTP/[0-9.]+\" (\\d{3})", RegexOptions.Compiled);
    private readonly Process process;
    private readonly string accessLogPath;
    private readonly string errorLogPath;
    private readonly HttpClient admin;
    private readonly TestCertificateAuthority? ca;

    private RegistryFixture(Process process, string directory, string host, RegistryFixtureOptions options, TestCertificateAuthority? ca, TokenServer? tokenServer)
    {
        this.process = process;
        Directory = directory;
        Host = host;
        Options = options;
        this.ca = ca;
        TokenServer = tokenServer;
        accessLogPath = Path.Combine(directory, "access.log");
        errorLogPath = Path.Combine(directory, "registry.log");
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false };
        if (ca is not null)
        {
            var root = ca.Certificate;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (cert is null)
                {
                    return false;
                }
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var leaf = new X509Certificate2(cert);
                return chain.Build(leaf);
            };
        }
        admin = new HttpClient(handler) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary><c>127.0.0.1:port</c>, the registry part of image references.</summary>
    public string Host { get; }
    /// <summary><c>http(s)://127.0.0.1:port/</c>.</summary>
    public Uri BaseUri => new($"{(Options.Tls ? "https" : "http")}://{Host}/");
    /// <summary>The fixture's working folder (config, storage, logs).</summary>
    public string Directory { get; }
    /// <summary>The options it was started with.</summary>
    public RegistryFixtureOptions Options { get; }
    /// <summary>The CA certificate that signed the TLS certificate (TLS mode only).</summary>
    public X509Certificate2? CaCertificate => ca?.Certificate;
    /// <summary>Path of the CA certificate PEM (TLS mode only).</summary>
    public string? CaCertificatePath => ca is null ? null : Path.Combine(Directory, "ca.pem");
    /// <summary>The token server (Token mode only).</summary>
    public TokenServer? TokenServer { get; }

    /// <summary>Starts a registry; fails with a setup hint when docker-registry is not installed.</summary>
    public static async Task<RegistryFixture> StartAsync(RegistryFixtureOptions? options = null)
    {
        options ??= new RegistryFixtureOptions();
        var executable = ExternalTools.Require("docker-registry");
        var directory = Path.Combine(RepoPaths.TestWork, "registry-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "storage"));
        var port = FreePort();
        var host = $"127.0.0.1:{port}";
        var config = new StringBuilder();
        config.Append($"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "storage")}
              delete:
                enabled: true
              cache:
                blobdescriptor: inmemory
            http:
              addr: {host}
              secret: fixture-http-secret

            """);
        TestCertificateAuthority? ca = null;
        if (options.Tls)
        {
            ca = new TestCertificateAuthority();
            var (certPem, keyPem) = ca.IssueServerCertificate();
            await File.WriteAllTextAsync(Path.Combine(directory, "server.pem"), certPem).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(directory, "server.key"), keyPem).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(directory, "ca.pem"), ca.Certificate.ExportCertificatePem()).ConfigureAwait(false);
            config.Append($"""
                  tls:
                    certificate: {Path.Combine(directory, "server.pem")}
                    key: {Path.Combine(directory, "server.key")}

                """);
        }
        TokenServer? tokenServer = null;
        switch (options.Auth)
        {
            case RegistryAuthMode.Basic:
                var lines = new StringBuilder();
                foreach (var (user, password) in options.Users)
                {
                    if (password.Length >= 8)
                    {
                        Secrets.KnownSecrets.Register("registry fixture password", password);
                    }
                    lines.Append(await ExternalTools.RunAsync("htpasswd", ["-B", "-i", "-n", user], stdin: password).ConfigureAwait(false));
                }
                await File.WriteAllTextAsync(Path.Combine(directory, "htpasswd"), lines.ToString()).ConfigureAwait(false);
                config.Append($"""
                    auth:
                      htpasswd:
                        realm: imagegate-test
                        path: {Path.Combine(directory, "htpasswd")}

                    """);
                break;
            case RegistryAuthMode.Token:
                tokenServer = new TokenServer("imagegate-test-registry", "imagegate-test-issuer", options.Users);
                await File.WriteAllTextAsync(Path.Combine(directory, "token-root.pem"), tokenServer.CertificatePem).ConfigureAwait(false);
                config.Append($"""
                    auth:
                      token:
                        realm: {tokenServer.Realm}
                        service: {tokenServer.Service}
                        issuer: {tokenServer.Issuer}
                        rootcertbundle: {Path.Combine(directory, "token-root.pem")}

                    """);
                break;
        }
        var configPath = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(configPath, config.ToString()).ConfigureAwait(false);

        // The shell only redirects the logs; exec makes the registry the process we stop later.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" serve \"$1\" >\"$2\" 2>\"$3\"");
        start.ArgumentList.Add(executable);
        start.ArgumentList.Add(configPath);
        start.ArgumentList.Add(Path.Combine(directory, "access.log"));
        start.ArgumentList.Add(Path.Combine(directory, "registry.log"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start docker-registry");
        var fixture = new RegistryFixture(process, directory, host, options, ca, tokenServer);
        await fixture.WaitUntilReadyAsync().ConfigureAwait(false);
        return fixture;
    }

    /// <summary>Stops the registry and the token server and deletes the working folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
        admin.Dispose();
        if (TokenServer is not null)
        {
            await TokenServer.DisposeAsync().ConfigureAwait(false);
        }
        ca?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The position in the access log now; pass it to <see cref="RequestsSinceAsync"/>.</summary>
    public async Task<int> MarkAsync() => (await ReadAccessLogAsync().ConfigureAwait(false)).Count;

    /// <summary>Requests logged since <paramref name="mark"/>, once the log has settled (it is written after each response).</summary>
    public async Task<IReadOnlyList<AccessLogEntry>> RequestsSinceAsync(int mark)
    {
        var previous = -1;
        List<AccessLogEntry> entries = [];
        for (var i = 0; i < 50; i++)
        {
            entries = await ReadAccessLogAsync().ConfigureAwait(false);
            if (entries.Count == previous)
            {
                break;
            }
            previous = entries.Count;
            await Task.Delay(250).ConfigureAwait(false);
        }
        return entries.Skip(mark).ToList();
    }

    /// <summary>The registry's own log (for failure messages).</summary>
    public string ErrorLog() => File.Exists(errorLogPath) ? ReadShared(errorLogPath) : "";

    /// <summary>Uploads a blob (monolithic) and returns its descriptor fields.</summary>
    public async Task<(string Digest, long Size)> PushBlobAsync(string repository, byte[] content)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        using var post = await SendAsync(repository, HttpMethod.Post, $"v2/{repository}/blobs/uploads/", null, null).ConfigureAwait(false);
        if (post.StatusCode != HttpStatusCode.Accepted || post.Headers.Location is null)
        {
            throw new InvalidOperationException($"blob upload start failed: {(int)post.StatusCode} {await post.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
        var location = new Uri(BaseUri, post.Headers.Location);
        var target = location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
        using var put = await SendAsync(repository, HttpMethod.Put, target, content, "application/octet-stream").ConfigureAwait(false);
        if (put.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"blob upload failed: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
        return (digest, content.LongLength);
    }

    /// <summary>Puts a manifest or index under a tag or its digest; returns its digest.</summary>
    public async Task<string> PushManifestAsync(string repository, string? reference, string mediaType, byte[] content)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        using var put = await SendAsync(repository, HttpMethod.Put, $"v2/{repository}/manifests/{reference ?? digest}", content, mediaType).ConfigureAwait(false);
        if (put.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"manifest push failed: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
        return digest;
    }

    /// <summary>Pushes a small OCI image (config + layers given as raw bytes) and tags it; returns the manifest digest and bytes.</summary>
    public async Task<PushedManifest> PushImageAsync(string repository, string? tag, byte[] config, IReadOnlyList<(byte[] Content, string MediaType, IReadOnlyDictionary<string, string>? Annotations)> layers,
        string configMediaType = "application/vnd.oci.image.config.v1+json", string manifestMediaType = "application/vnd.oci.image.manifest.v1+json",
        object? subject = null, string? artifactType = null, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var (configDigest, configSize) = await PushBlobAsync(repository, config).ConfigureAwait(false);
        var layerDescriptors = new List<object>();
        foreach (var (content, mediaType, layerAnnotations) in layers)
        {
            var (digest, size) = await PushBlobAsync(repository, content).ConfigureAwait(false);
            layerDescriptors.Add(Descriptor(mediaType, digest, size, layerAnnotations));
        }
        var manifest = new Dictionary<string, object> { ["schemaVersion"] = 2, ["mediaType"] = manifestMediaType };
        if (artifactType is not null)
        {
            manifest["artifactType"] = artifactType;
        }
        manifest["config"] = Descriptor(configMediaType, configDigest, configSize, null);
        manifest["layers"] = layerDescriptors;
        if (subject is not null)
        {
            manifest["subject"] = subject;
        }
        if (annotations is not null)
        {
            manifest["annotations"] = annotations;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest);
        var pushed = await PushManifestAsync(repository, tag, manifestMediaType, bytes).ConfigureAwait(false);
        return new PushedManifest(pushed, bytes.LongLength, manifestMediaType, bytes);
    }

    /// <summary>Pushes an index over already pushed manifests; returns its digest.</summary>
    public async Task<PushedManifest> PushIndexAsync(string repository, string? tag, IEnumerable<object> manifests, string mediaType = "application/vnd.oci.image.index.v1+json")
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["schemaVersion"] = 2, ["mediaType"] = mediaType, ["manifests"] = manifests.ToList() });
        var digest = await PushManifestAsync(repository, tag, mediaType, bytes).ConfigureAwait(false);
        return new PushedManifest(digest, bytes.LongLength, mediaType, bytes);
    }

    /// <summary>Attaches an artifact to <paramref name="subject"/> the way OCI 1.1 clients do against a registry
    /// without the referrers API: push the artifact manifest, then add it to the <c>sha256-&lt;hex&gt;</c> tag index.</summary>
    public async Task<PushedManifest> PushReferrerAsync(string repository, PushedManifest subject, string artifactType, byte[] layer, string layerMediaType, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var subjectDescriptor = Descriptor(subject.MediaType, subject.Digest, subject.Size, null);
        var artifact = await PushImageAsync(repository, null, "{}"u8.ToArray(), [(layer, layerMediaType, null)],
            configMediaType: "application/vnd.oci.empty.v1+json", subject: subjectDescriptor, artifactType: artifactType, annotations: annotations).ConfigureAwait(false);
        var fallbackTag = subject.Digest.Replace(':', '-');
        var entries = new List<object>();
        using (var existing = await SendAsync(repository, HttpMethod.Get, $"v2/{repository}/manifests/{fallbackTag}", null, null, accept: "application/vnd.oci.image.index.v1+json").ConfigureAwait(false))
        {
            if (existing.IsSuccessStatusCode)
            {
                using var doc = JsonDocument.Parse(await existing.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
                entries.AddRange(doc.RootElement.GetProperty("manifests").EnumerateArray().Select(e => (object)e.Clone()));
            }
        }
        var entry = new Dictionary<string, object> { ["mediaType"] = artifact.MediaType, ["digest"] = artifact.Digest, ["size"] = artifact.Size, ["artifactType"] = artifactType };
        if (annotations is not null)
        {
            entry["annotations"] = annotations;
        }
        entries.Add(entry);
        await PushIndexAsync(repository, fallbackTag, entries).ConfigureAwait(false);
        return artifact;
    }

    /// <summary>A descriptor object for manifests built by the push helpers.</summary>
    public static Dictionary<string, object> Descriptor(string mediaType, string digest, long size, IReadOnlyDictionary<string, string>? annotations, object? platform = null)
    {
        var d = new Dictionary<string, object> { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };
        if (annotations is not null)
        {
            d["annotations"] = annotations;
        }
        if (platform is not null)
        {
            d["platform"] = platform;
        }
        return d;
    }

    /// <summary>Fetches raw bytes from the registry with the admin credentials (for assertions).</summary>
    public async Task<(int Status, byte[] Body, HttpResponseMessage Response)> GetAsync(string repository, string path, string? accept = null)
    {
        var response = await SendAsync(repository, HttpMethod.Get, path, null, null, accept).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false), response);
    }

    /// <summary>The <c>skopeo</c> arguments that let it write to this registry (TLS and credentials).</summary>
    public IReadOnlyList<string> SkopeoDestinationArguments()
    {
        var args = new List<string>();
        if (Options.Tls)
        {
            args.Add("--dest-cert-dir=" + CertDirectory());
        }
        else
        {
            args.Add("--dest-tls-verify=false");
        }
        if (Options.Auth != RegistryAuthMode.None)
        {
            var (user, password) = Options.Users.First();
            args.Add($"--dest-creds={user}:{password}");
        }
        return args;
    }

    private string CertDirectory()
    {
        var dir = Path.Combine(Directory, "certs.d");
        System.IO.Directory.CreateDirectory(dir);
        File.Copy(CaCertificatePath!, Path.Combine(dir, "ca.crt"), overwrite: true);
        return dir;
    }

    private async Task<HttpResponseMessage> SendAsync(string repository, HttpMethod method, string path, byte[]? body, string? contentType, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUri, path));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/octet-stream");
        }
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        var (user, password) = Options.Users.First();
        switch (Options.Auth)
        {
            case RegistryAuthMode.Basic:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
                break;
            case RegistryAuthMode.Token:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenServer!.Mint(user, repository, "pull", "push"));
                break;
        }
        return await admin.SendAsync(request).ConfigureAwait(false);
    }

    private async Task WaitUntilReadyAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {process.ExitCode}: {ErrorLog()}");
            }
            try
            {
                using var response = await admin.GetAsync("v2/").ConfigureAwait(false);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        throw new TimeoutException($"docker-registry did not start on {Host}: {ErrorLog()}");
    }

    private async Task<List<AccessLogEntry>> ReadAccessLogAsync()
    {
        await Task.Yield();
        if (!File.Exists(accessLogPath))
        {
            return [];
        }
        return ReadShared(accessLogPath).Split('\n')
            .Select(l => AccessLine.Match(l))
            .Where(m => m.Success)
            .Select(m => new AccessLogEntry(m.Groups[1].Value, m.Groups[2].Value, int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>A manifest or index pushed by a fixture helper.</summary>
public sealed record PushedManifest(string Digest, long Size, string MediaType, byte[] Bytes);
