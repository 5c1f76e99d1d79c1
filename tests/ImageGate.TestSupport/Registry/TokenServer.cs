using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.TestSupport.Registry;

/// <summary>A Docker Registry v2 token server on loopback: checks Basic credentials and issues ES256
/// JWTs (with an <c>x5c</c> header) that docker-registry's <c>auth.token</c> accepts.</summary>
public sealed class TokenServer : IAsyncDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 certificate;
    private readonly LoopbackHttpServer server;
    private readonly IReadOnlyDictionary<string, string> users;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> issued = new();

    /// <summary>Starts the server; <paramref name="users"/> maps user names to passwords.</summary>
    public TokenServer(string service, string issuer, IReadOnlyDictionary<string, string> users, bool allowAnonymousPull = false)
    {
        Service = service;
        Issuer = issuer;
        this.users = users;
        foreach (var password in users.Values.Where(p => p.Length >= 8))
        {
            KnownSecrets.Register("token server user password", password);
        }
        AllowAnonymousPull = allowAnonymousPull;
        var request = new CertificateRequest("CN=imagegate test token signer", key, HashAlgorithmName.SHA256);
        certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        server = new LoopbackHttpServer(HandleAsync);
    }

    /// <summary>The service name the registry is configured with.</summary>
    public string Service { get; }
    /// <summary>The issuer the registry is configured with.</summary>
    public string Issuer { get; }
    /// <summary>Whether requests without credentials get pull tokens.</summary>
    public bool AllowAnonymousPull { get; set; }
    /// <summary>When set, every token request is refused with this status.</summary>
    public int? RefuseWithStatus { get; set; }
    /// <summary>OAuth2 refresh tokens accepted by <c>POST /token</c> (grant <c>refresh_token</c>), mapped to user names.</summary>
    public Dictionary<string, string> RefreshTokens { get; } = new(StringComparer.Ordinal);
    /// <summary>The realm URL: <c>http://127.0.0.1:port/token</c>.</summary>
    public string Realm => new Uri(server.BaseUri, "/token").ToString();
    /// <summary>PEM of the signing certificate (the registry's <c>rootcertbundle</c>).</summary>
    public string CertificatePem => certificate.ExportCertificatePem();
    /// <summary>Every token issued so far, oldest first (each is also a known secret of the scan).</summary>
    public IReadOnlyList<string> Issued => [.. issued];
    /// <summary>Token requests received.</summary>
    public IReadOnlyList<LoopbackRequest> Requests => server.Requests;

    /// <summary>Issues a token directly (for pushing fixtures without a round trip).</summary>
    public string Mint(string subject, string repository, params string[] actions)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new Dictionary<string, object>
        {
            ["typ"] = "JWT",
            ["alg"] = "ES256",
            ["x5c"] = new[] { Convert.ToBase64String(certificate.RawData) },
        };
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = repository.Length == 0 ? Array.Empty<object>() : new object[] { new { type = "repository", name = repository, actions } },
        };
        var signingInput = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var token = signingInput + "." + B64(signature);
        KnownSecrets.Register("registry bearer token", token);
        issued.Enqueue(token);
        return token;
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync().ConfigureAwait(false);
        key.Dispose();
        certificate.Dispose();
    }

    private Task<LoopbackResponse> HandleAsync(LoopbackRequest request)
    {
        if (request.Path == "/token" && request.Method == "POST")
        {
            return Task.FromResult(HandleRefresh(request));
        }
        if (request.Path != "/token" || request.Method != "GET")
        {
            return Task.FromResult(LoopbackResponse.Text(404, "{}"));
        }
        if (RefuseWithStatus is int refused)
        {
            return Task.FromResult(LoopbackResponse.Text(refused, "{\"details\":\"refused by test\"}"));
        }
        if (request.Query["service"].FirstOrDefault() != Service)
        {
            return Task.FromResult(LoopbackResponse.Text(400, "{\"details\":\"unknown service\"}"));
        }
        string? user = null;
        var authorization = request.Header("Authorization");
        if (authorization is not null)
        {
            if (!authorization.StartsWith("Basic ", StringComparison.Ordinal))
            {
                return Task.FromResult(LoopbackResponse.Text(401, "{\"details\":\"basic auth expected\"}"));
            }
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..])).Split(':', 2);
            if (pair.Length != 2 || !users.TryGetValue(pair[0], out var password) || password != pair[1])
            {
                return Task.FromResult(LoopbackResponse.Text(401, "{\"details\":\"invalid credentials\"}"));
            }
            user = pair[0];
        }
        else if (!AllowAnonymousPull)
        {
            return Task.FromResult(LoopbackResponse.Text(401, "{\"details\":\"authentication required\"}"));
        }
        // scope=repository:<name>:<actions>; grant pull (and push for authenticated users).
        var scope = request.Query["scope"].FirstOrDefault() ?? "";
        var parts = scope.Split(':');
        var repository = parts.Length == 3 && parts[0] == "repository" ? parts[1] : "";
        var wanted = parts.Length == 3 ? parts[2].Split(',') : [];
        var granted = wanted.Where(a => a == "pull" || (a == "push" && user is not null)).ToArray();
        var token = Mint(user ?? "anonymous", repository, granted);
        var body = JsonSerializer.Serialize(new { token, expires_in = 300, issued_at = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) });
        return Task.FromResult(LoopbackResponse.Text(200, body));
    }

    // The OAuth2 form docker and ACR clients send with an identity (refresh) token.
    private LoopbackResponse HandleRefresh(LoopbackRequest request)
    {
        var form = request.Form;
        if (form.GetValueOrDefault("grant_type") != "refresh_token" || form.GetValueOrDefault("service") != Service || !form.ContainsKey("client_id"))
        {
            return LoopbackResponse.Text(400, "{\"error\":\"invalid_request\"}");
        }
        if (!RefreshTokens.TryGetValue(form.GetValueOrDefault("refresh_token") ?? "", out var user))
        {
            return LoopbackResponse.Text(401, "{\"error\":\"invalid_grant\"}");
        }
        var parts = (form.GetValueOrDefault("scope") ?? "").Split(' ')[0].Split(':');
        var repository = parts.Length == 3 && parts[0] == "repository" ? parts[1] : "";
        var token = Mint(user, repository, "pull");
        return LoopbackResponse.Text(200, JsonSerializer.Serialize(new { access_token = token, expires_in = 300 }));
    }

    private static string B64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
