using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageGate.Sigstore.Formats;
using ImageGate.Sigstore.Transparency;

namespace ImageGate.Sigstore.Bundles;

/// <summary>A parsed Sigstore bundle (v0.1, v0.2 or v0.3): verification material and a message signature or DSSE envelope.</summary>
public sealed class SigstoreBundle
{
    /// <summary>Bundle version as (major, minor), e.g. (0, 3).</summary>
    public required Version Version { get; init; }

    /// <summary>The media type as written.</summary>
    public required string MediaType { get; init; }

    /// <summary>Leaf certificate (v0.3 <c>certificate</c> or the first of a v0.1/v0.2 chain).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Further certificates of a v0.1/v0.2 chain.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; init; } = [];

    /// <summary>The public key hint when the material is a key.</summary>
    public string? PublicKeyHint { get; init; }

    /// <summary>Transparency log entries.</summary>
    public IReadOnlyList<TransparencyLogEntry> TlogEntries { get; init; } = [];

    /// <summary>DER RFC 3161 timestamps.</summary>
    public IReadOnlyList<byte[]> Timestamps { get; init; } = [];

    /// <summary>The DSSE envelope, when the content is DSSE.</summary>
    public DsseEnvelope? Envelope { get; init; }

    /// <summary>The signature of a message-signature bundle.</summary>
    public byte[]? MessageSignature { get; init; }

    /// <summary>The SHA-256 digest a message-signature bundle claims.</summary>
    public byte[]? MessageDigest { get; init; }

    /// <summary>Parses bundle JSON; unsupported versions and shapes are verification failures.</summary>
    public static SigstoreBundle Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = Json.Parse(json, "bundle");
        var e = doc.RootElement;
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Fail.With("malformed bundle: not a JSON object");
        }
        var mediaType = e.Str("mediaType") ?? throw Fail.With("malformed bundle: no mediaType");
        var version = ParseVersion(mediaType);
        var material = e.Prop("verificationMaterial") ?? throw Fail.With("malformed bundle: no verificationMaterial");

        X509Certificate2? leaf = null;
        var chain = new List<X509Certificate2>();
        if (material.Prop("certificate") is { } c)
        {
            leaf = LoadCert(c.Bytes("rawBytes"));
        }
        else if (material.Prop("x509CertificateChain") is { } x)
        {
            if (version >= new Version(0, 3))
            {
                throw Fail.With("bundle v0.3 must not carry an x509CertificateChain");
            }
            var certs = x.Map("certificates", 10, cert => LoadCert(cert.Bytes("rawBytes")));
            if (certs.Count == 0)
            {
                throw Fail.With("malformed bundle: empty certificate chain");
            }
            leaf = certs[0];
            chain.AddRange(certs.Skip(1));
        }
        string? hint = null;
        if (material.Prop("publicKey") is { } pk)
        {
            hint = pk.Str("hint") ?? "";
        }
        if (leaf is null && hint is null)
        {
            throw Fail.With("malformed bundle: verification material has neither a certificate nor a public key");
        }

        var entries = material.Map("tlogEntries", 32, TransparencyLogEntry.FromJson);
        foreach (var entry in entries)
        {
            if (version == new Version(0, 1) && entry.SignedEntryTimestamp is null)
            {
                throw Fail.With("bundle v0.1 transparency log entries need an inclusion promise");
            }
            if (version >= new Version(0, 2) && entry.Proof is null)
            {
                throw Fail.With($"bundle v{version} transparency log entries need an inclusion proof");
            }
        }
        var timestamps = material.Prop("timestampVerificationData") is { } timestampData
            ? timestampData.Map("rfc3161Timestamps", 32, t => t.Bytes("signedTimestamp") ?? throw Fail.With("malformed bundle: timestamp without signedTimestamp"))
            : [];

        DsseEnvelope? envelope = null;
        byte[]? signature = null, digest = null;
        if (e.Prop("dsseEnvelope") is { } d)
        {
            envelope = DsseEnvelope.FromJson(d);
            if (envelope.Signatures.Count != 1)
            {
                throw Fail.With($"bundle DSSE envelope must have exactly one signature, found {envelope.Signatures.Count}");
            }
        }
        else if (e.Prop("messageSignature") is { } m)
        {
            signature = m.Bytes("signature") ?? throw Fail.With("malformed bundle: message signature without signature");
            if (m.Prop("messageDigest") is { } md)
            {
                var algorithm = md.Str("algorithm") ?? "";
                if (algorithm != "SHA2_256")
                {
                    throw Fail.With($"unsupported message digest algorithm '{algorithm}' (only SHA2_256)");
                }
                digest = md.Bytes("digest");
            }
        }
        else
        {
            throw Fail.With("malformed bundle: neither dsseEnvelope nor messageSignature");
        }
        return new SigstoreBundle
        {
            Version = version,
            MediaType = mediaType,
            Certificate = leaf,
            Chain = chain,
            PublicKeyHint = hint,
            TlogEntries = entries,
            Timestamps = timestamps,
            Envelope = envelope,
            MessageSignature = signature,
            MessageDigest = digest,
        };
    }

    /// <summary>Maps a bundle media type to its version; v0.4 and later are rejected.</summary>
    public static Version ParseVersion(string mediaType)
    {
        const string legacy = "application/vnd.dev.sigstore.bundle+json;version=";
        const string modern = "application/vnd.dev.sigstore.bundle.v";
        string? v = null;
        if (mediaType.StartsWith(legacy, StringComparison.Ordinal))
        {
            v = mediaType[legacy.Length..];
        }
        else if (mediaType.StartsWith(modern, StringComparison.Ordinal) && mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            v = mediaType[modern.Length..^"+json".Length];
        }
        if (v is null || !System.Version.TryParse(v, out var version) || version.Major != 0 || version.Minor is < 1 or > 3)
        {
            throw Fail.With($"unsupported bundle media type '{mediaType}'");
        }
        return version;
    }

    private static X509Certificate2 LoadCert(byte[]? der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der ?? throw Fail.With("malformed bundle: certificate without rawBytes"));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw Fail.With($"malformed bundle certificate: {ex.Message}");
        }
    }

    internal SignedEntity ToEntity(byte[]? artifact) => new()
    {
        What = "bundle",
        Certificate = Certificate,
        Chain = Chain,
        Signature = MessageSignature ?? Envelope?.Signatures[0].Sig ?? [],
        Envelope = Envelope,
        MessageBytes = Envelope is null ? artifact : null,
        MessageDigest = MessageDigest,
        TlogEntries = TlogEntries,
        Timestamps = Timestamps,
        VerifyAllTimestamps = true,
        AnySan = false,
    };
}
