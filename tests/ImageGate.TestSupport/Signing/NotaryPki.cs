using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImageGate.TestSupport.Registry;

namespace ImageGate.TestSupport.Signing;

/// <summary>The Notary PKI and JWS envelopes of tests/fixtures/notation/make-fixtures.sh (openssl), generated into a
/// folder, with a loopback CRL server for its revocation-checked leaves, and helpers to push the signed target and
/// attach signatures (JWS assembled here with openssl as signer, COSE with System.Security.Cryptography.Cose).</summary>
public sealed class NotaryPki : IAsyncDisposable
{
    /// <summary>The artifact type of Notary signature referrers.</summary>
    public const string SignatureArtifactType = "application/vnd.cncf.notary.signature";
    /// <summary>The media type of a JWS envelope layer.</summary>
    public const string JwsMediaType = "application/jose+json";
    /// <summary>The media type of a COSE envelope layer.</summary>
    public const string CoseMediaType = "application/cose";
    private readonly LoopbackHttpServer crlServer;

    private NotaryPki(string directory, LoopbackHttpServer crlServer)
    {
        Directory = directory;
        this.crlServer = crlServer;
    }

    /// <summary>The folder holding the generated fixtures.</summary>
    public string Directory { get; }

    /// <summary>Requests the loopback CRL server has answered (the generated CRL-checked leaves point at it).</summary>
    public int CrlRequests => crlServer.Requests.Count;

    /// <summary>Runs the fixture script into <paramref name="directory"/> and starts the CRL server it names.</summary>
    public static async Task<NotaryPki> GenerateAsync(string directory)
    {
        // Serves the CRL that openssl ca made for the generated CA; the CRL-checked leaves name this server.
        var server = new LoopbackHttpServer(async request =>
            request.Method == "GET" && request.Path == "/crl/intermediate.crl"
                ? new LoopbackResponse(200, await File.ReadAllBytesAsync(Path.Combine(directory, "intermediate.crl"))).WithHeader("Content-Type", "application/pkix-crl")
                : LoopbackResponse.Text(404, "{}"));
        var port = server.Authority.Split(':')[1];
        await ExternalTools.RunAsync("bash", [RepoPaths.Combine("tests", "fixtures", "notation", "make-fixtures.sh"), directory, port], timeout: TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        return new NotaryPki(directory, server);
    }

    /// <summary>Stops the CRL server.</summary>
    public ValueTask DisposeAsync() => crlServer.DisposeAsync();

    /// <summary>A generated file's bytes.</summary>
    public Task<byte[]> BytesAsync(string name) => File.ReadAllBytesAsync(Path.Combine(Directory, name));

    /// <summary>A generated certificate's PEM text.</summary>
    public Task<string> PemAsync(string name) => File.ReadAllTextAsync(Path.Combine(Directory, name + ".crt"));

    /// <summary>Pushes the fixtures' signed target (manifest.json and its blobs) to <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public async Task<PushedManifest> PushTargetAsync(RegistryFixture registry, string repository, string tag = "v1")
    {
        await registry.PushBlobAsync(repository, await BytesAsync("config.json").ConfigureAwait(false)).ConfigureAwait(false);
        await registry.PushBlobAsync(repository, await BytesAsync("layer.txt").ConfigureAwait(false)).ConfigureAwait(false);
        var manifest = await BytesAsync("manifest.json").ConfigureAwait(false);
        const string mediaType = "application/vnd.oci.image.manifest.v1+json";
        var digest = await registry.PushManifestAsync(repository, tag, mediaType, manifest).ConfigureAwait(false);
        return new PushedManifest(digest, manifest.Length, mediaType, manifest);
    }

    /// <summary>Attaches an envelope as a Notary signature referrer of <paramref name="subject"/>.</summary>
    public static Task<PushedManifest> AttachSignatureAsync(RegistryFixture registry, string repository, PushedManifest subject, byte[] envelope, string mediaType = JwsMediaType) =>
        registry.PushReferrerAsync(repository, subject, SignatureArtifactType, envelope, mediaType,
            new Dictionary<string, string> { ["io.cncf.notary.x509chain.thumbprint#S256"] = "[]" });

    /// <summary>A PS256/PS384/PS512 JWS envelope over the Notary payload naming <paramref name="target"/>, signed by
    /// <paramref name="key"/> (a generated key name) with the given chain (generated certificate names, leaf first).</summary>
    public async Task<byte[]> JwsAsync(PushedManifest target, string key, string algorithm, params string[] chain)
    {
        var protectedHeader = "{\"alg\":\"" + algorithm + "\",\"crit\":[\"io.cncf.notary.signingScheme\"],\"cty\":\"application/vnd.cncf.notary.payload.v1+json\","
            + "\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingTime\":\"" + DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) + "\"}";
        var payload = "{\"targetArtifact\":{\"mediaType\":\"" + target.MediaType + "\",\"digest\":\"" + target.Digest + "\",\"size\":" + target.Size + "}}";
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(protectedHeader)) + "." + Base64Url(Encoding.UTF8.GetBytes(payload));
        var input = Path.Combine(Directory, Guid.NewGuid().ToString("N") + ".jws-input");
        await File.WriteAllTextAsync(input, signingInput).ConfigureAwait(false);
        await ExternalTools.RunAsync("openssl", ["dgst", "-sha" + algorithm[2..], "-sign", Path.Combine(Directory, key + ".key"), "-sigopt", "rsa_padding_mode:pss",
            "-sigopt", "rsa_pss_saltlen:digest", "-out", input + ".sig", input]).ConfigureAwait(false);
        var signature = await File.ReadAllBytesAsync(input + ".sig").ConfigureAwait(false);
        var x5c = string.Join(",", chain.Select(c => "\"" + Convert.ToBase64String(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Directory, c + ".crt"))).RawData) + "\""));
        var dot = signingInput.IndexOf('.', StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes("{\"payload\":\"" + signingInput[(dot + 1)..] + "\",\"protected\":\"" + signingInput[..dot]
            + "\",\"header\":{\"x5c\":[" + x5c + "],\"io.cncf.notary.signingAgent\":\"imagegate-tests/1\"},\"signature\":\"" + Base64Url(signature) + "\"}");
    }

    /// <summary>A COSE_Sign1 envelope (RSA-PSS SHA-256) over the fixtures' payload.json, signed by the generated RSA
    /// leaf with its chain in x5chain.</summary>
    public async Task<byte[]> CoseAsync()
    {
        var prot = new CoseHeaderMap();
        var unprot = new CoseHeaderMap();
        var crit = new CborWriter();
        crit.WriteStartArray(1);
        crit.WriteTextString("io.cncf.notary.signingScheme");
        crit.WriteEndArray();
        prot.Add(CoseHeaderLabel.CriticalHeaders, CoseHeaderValue.FromEncodedValue(crit.Encode()));
        prot.Add(CoseHeaderLabel.ContentType, "application/vnd.cncf.notary.payload.v1+json");
        prot.Add(new CoseHeaderLabel("io.cncf.notary.signingScheme"), "notary.x509");
        var time = new CborWriter();
        time.WriteUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds());
        prot.Add(new CoseHeaderLabel("io.cncf.notary.signingTime"), CoseHeaderValue.FromEncodedValue(time.Encode()));
        var x5chain = new CborWriter();
        string[] chain = ["leaf", "intermediate", "root"];
        x5chain.WriteStartArray(chain.Length);
        foreach (var c in chain)
        {
            x5chain.WriteByteString(X509Certificate2.CreateFromPem(await PemAsync(c).ConfigureAwait(false)).RawData);
        }
        x5chain.WriteEndArray();
        unprot.Add(new CoseHeaderLabel(33), CoseHeaderValue.FromEncodedValue(x5chain.Encode()));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(Directory, "leaf.key")).ConfigureAwait(false));
        return CoseSign1Message.SignEmbedded(await BytesAsync("payload.json").ConfigureAwait(false),
            new CoseSigner(rsa, RSASignaturePadding.Pss, HashAlgorithmName.SHA256, prot, unprot));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
