using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace ImageGate.Sigstore.Trust;

/// <summary>A time window during which a key or CA may be used; open ends are unbounded.</summary>
public sealed record ValidityWindow(DateTimeOffset? Start, DateTimeOffset? End)
{
    /// <summary>A window without bounds.</summary>
    public static ValidityWindow Always { get; } = new(null, null);

    /// <summary>True when <paramref name="time"/> lies within the window.</summary>
    public bool Contains(DateTimeOffset time) => (Start is null || time >= Start) && (End is null || time <= End);
}

/// <summary>A transparency log (Rekor) or certificate transparency log: its id and public key.</summary>
public sealed record LogInstance(string BaseUrl, byte[] LogId, byte[] PublicKeySpki, string KeyDetails, ValidityWindow ValidFor);

/// <summary>A certificate authority (Fulcio or a TSA): intermediates and roots, with its validity window.</summary>
public sealed record CertificateAuthority(string Uri, IReadOnlyList<X509Certificate2> Intermediates, IReadOnlyList<X509Certificate2> Roots, ValidityWindow ValidFor)
{
    /// <summary>The leaf certificate of a TSA chain when the chain carries one (TSAs may omit it from the token).</summary>
    public X509Certificate2? Leaf { get; init; }
}

/// <summary>A Sigstore trusted root (dev.sigstore.trustedroot.v1.TrustedRoot, proto3 JSON).</summary>
public sealed class TrustedRoot
{
    private const string PublicGoodResource = "ImageGate.Sigstore.trusted_root_public_good.json";
    private static readonly Lazy<TrustedRoot> PublicGoodLazy = new(LoadPublicGood);

    /// <summary>Rekor transparency logs.</summary>
    public IReadOnlyList<LogInstance> TransparencyLogs { get; init; } = [];

    /// <summary>Certificate transparency logs (for embedded SCTs).</summary>
    public IReadOnlyList<LogInstance> CtLogs { get; init; } = [];

    /// <summary>Fulcio certificate authorities.</summary>
    public IReadOnlyList<CertificateAuthority> CertificateAuthorities { get; init; } = [];

    /// <summary>RFC 3161 timestamp authorities.</summary>
    public IReadOnlyList<CertificateAuthority> TimestampAuthorities { get; init; } = [];

    /// <summary>The Sigstore public-good trusted root embedded in this assembly.</summary>
    public static TrustedRoot PublicGood => PublicGoodLazy.Value;

    /// <summary>Loads a trusted root from a file; errors name the file.</summary>
    public static TrustedRoot Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SigstoreConfigurationException($"{path}: cannot read trusted root: {ex.Message}", ex);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses trusted root JSON (for example an inline <c>trustedRoot</c> value).</summary>
    public static TrustedRoot Parse(string json, string source = "trustedRoot") => Parse(Codec.Utf8(json), source);

    /// <summary>Parses trusted root JSON bytes.</summary>
    public static TrustedRoot Parse(ReadOnlyMemory<byte> json, string source = "trustedRoot")
    {
        try
        {
            using var doc = Json.Parse(json, "trusted root");
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail.With("a trusted root must be a JSON object");
            }
            var mediaType = root.Str("mediaType");
            if (mediaType is not null && !mediaType.StartsWith("application/vnd.dev.sigstore.trustedroot", StringComparison.Ordinal))
            {
                throw Fail.With($"unsupported trusted root media type '{mediaType}'");
            }
            return new TrustedRoot
            {
                TransparencyLogs = root.Map("tlogs", 100, ParseLog),
                CtLogs = root.Map("ctlogs", 100, ParseLog),
                CertificateAuthorities = root.Map("certificateAuthorities", 100, e => ParseCa(e, false)),
                TimestampAuthorities = root.Map("timestampAuthorities", 100, e => ParseCa(e, true)),
            };
        }
        catch (Exception ex) when (ex is SigstoreVerificationException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new SigstoreConfigurationException($"{source}: invalid trusted root: {ex.Message}", ex);
        }
    }

    private static LogInstance ParseLog(JsonElement e)
    {
        var key = e.Prop("publicKey") ?? throw Fail.With("log entry without publicKey");
        var raw = key.Bytes("rawBytes") ?? throw Fail.With("log publicKey without rawBytes");
        var logId = e.Prop("logId")?.Bytes("keyId") ?? Codec.Sha256(raw);
        return new LogInstance(e.Str("baseUrl") ?? "", logId, raw, key.Str("keyDetails") ?? "", ParseWindow(key.Prop("validFor")));
    }

    private static CertificateAuthority ParseCa(JsonElement e, bool timestampAuthority)
    {
        var certs = (e.Prop("certChain") ?? throw Fail.With("authority without certChain"))
            .Map("certificates", 10, c => X509CertificateLoader.LoadCertificate(c.Bytes("rawBytes") ?? throw Fail.With("certificate without rawBytes")));
        if (certs.Count == 0)
        {
            throw Fail.With("authority with an empty certChain");
        }
        // Leaf-most first, root last. A TSA chain may start with the TSA's own (non-CA) certificate.
        X509Certificate2? leaf = null;
        if (timestampAuthority && certs.Count > 1 && !IsCa(certs[0]))
        {
            leaf = certs[0];
            certs.RemoveAt(0);
        }
        return new CertificateAuthority(e.Str("uri") ?? "", certs.Take(certs.Count - 1).ToList(), [certs[^1]], ParseWindow(e.Prop("validFor")))
        {
            Leaf = leaf,
        };
    }

    internal static bool IsCa(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault()?.CertificateAuthority ?? false;

    private static ValidityWindow ParseWindow(JsonElement? e) =>
        e is null ? ValidityWindow.Always : new ValidityWindow(e.Value.Time("start"), e.Value.Time("end"));

    private static TrustedRoot LoadPublicGood()
    {
        using var stream = typeof(TrustedRoot).Assembly.GetManifestResourceStream(PublicGoodResource)
            ?? throw new SigstoreConfigurationException("embedded public-good trusted root is missing");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.ToArray(), "embedded public-good trusted root");
    }
}
