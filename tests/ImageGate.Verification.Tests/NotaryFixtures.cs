using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Verification.Tests;

/// <summary>The Notary PKI and JWS envelopes of tests/fixtures/notation/make-fixtures.sh (openssl), generated once per
/// run, plus JWS envelopes over other artifacts assembled here with openssl as signer.</summary>
public static class NotaryFixtures
{
    public const string SignatureArtifactType = "application/vnd.cncf.notary.signature";
    public const string JwsMediaType = "application/jose+json";
    private static readonly Lazy<Task<string>> Generated = new(GenerateAsync);
    private static LoopbackHttpServer? crlServer;
    private static string? generatedDirectory;

    /// <summary>Requests the loopback CRL server has answered (the generated CRL-checked leaves point at it).</summary>
    public static int CrlRequests => crlServer?.Requests.Count ?? 0;

    /// <summary>Stops the CRL server.</summary>
    public static async Task StopAsync()
    {
        if (crlServer is not null)
        {
            await crlServer.DisposeAsync();
        }
    }

    /// <summary>The folder holding the generated fixtures.</summary>
    public static Task<string> DirectoryAsync() => Generated.Value;

    /// <summary>A generated file's bytes.</summary>
    public static async Task<byte[]> BytesAsync(string name) => await File.ReadAllBytesAsync(Path.Combine(await DirectoryAsync(), name));

    /// <summary>A generated certificate's PEM text.</summary>
    public static async Task<string> PemAsync(string name) => await File.ReadAllTextAsync(Path.Combine(await DirectoryAsync(), name + ".crt"));

    /// <summary>Pushes the fixtures' signed target (manifest.json and its blobs) to <paramref name="repository"/>:v1.</summary>
    public static async Task<PushedManifest> PushTargetAsync(string repository)
    {
        var dir = await DirectoryAsync();
        await TestRegistry.Registry.PushBlobAsync(repository, await File.ReadAllBytesAsync(Path.Combine(dir, "config.json")));
        await TestRegistry.Registry.PushBlobAsync(repository, await File.ReadAllBytesAsync(Path.Combine(dir, "layer.txt")));
        var manifest = await File.ReadAllBytesAsync(Path.Combine(dir, "manifest.json"));
        const string mediaType = "application/vnd.oci.image.manifest.v1+json";
        var digest = await TestRegistry.Registry.PushManifestAsync(repository, "v1", mediaType, manifest);
        return new PushedManifest(digest, manifest.Length, mediaType, manifest);
    }

    /// <summary>Attaches a JWS envelope as a Notary signature referrer of <paramref name="subject"/>.</summary>
    public static Task<PushedManifest> AttachSignatureAsync(string repository, PushedManifest subject, byte[] envelope, string mediaType = JwsMediaType) =>
        TestRegistry.Registry.PushReferrerAsync(repository, subject, SignatureArtifactType, envelope, mediaType,
            new Dictionary<string, string> { ["io.cncf.notary.x509chain.thumbprint#S256"] = "[]" });

    /// <summary>A PS256/PS384/PS512 JWS envelope over the Notary payload naming <paramref name="target"/>, signed by
    /// <paramref name="key"/> (a generated key name) with the given chain (generated certificate names, leaf first).</summary>
    public static async Task<byte[]> JwsAsync(PushedManifest target, string key, string algorithm, params string[] chain)
    {
        var dir = await DirectoryAsync();
        var protectedHeader = "{\"alg\":\"" + algorithm + "\",\"crit\":[\"io.cncf.notary.signingScheme\"],\"cty\":\"application/vnd.cncf.notary.payload.v1+json\","
            + "\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingTime\":\"" + DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) + "\"}";
        var payload = "{\"targetArtifact\":{\"mediaType\":\"" + target.MediaType + "\",\"digest\":\"" + target.Digest + "\",\"size\":" + target.Size + "}}";
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(protectedHeader)) + "." + Base64Url(Encoding.UTF8.GetBytes(payload));
        var input = Path.Combine(TestRegistry.WorkDirectory, Guid.NewGuid().ToString("N") + ".jws-input");
        await File.WriteAllTextAsync(input, signingInput);
        await ExternalTools.RunAsync("openssl", ["dgst", "-sha" + algorithm[2..], "-sign", Path.Combine(dir, key + ".key"), "-sigopt", "rsa_padding_mode:pss",
            "-sigopt", "rsa_pss_saltlen:digest", "-out", input + ".sig", input]);
        var signature = await File.ReadAllBytesAsync(input + ".sig");
        var x5c = string.Join(",", chain.Select(c => "\"" + Convert.ToBase64String(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, c + ".crt"))).RawData) + "\""));
        return Encoding.UTF8.GetBytes("{\"payload\":\"" + signingInput[(signingInput.IndexOf('.') + 1)..] + "\",\"protected\":\"" + signingInput[..signingInput.IndexOf('.')]
            + "\",\"header\":{\"x5c\":[" + x5c + "],\"io.cncf.notary.signingAgent\":\"imagegate-tests/1\"},\"signature\":\"" + Base64Url(signature) + "\"}");
    }

    /// <summary>A COSE_Sign1 envelope (System.Security.Cryptography.Cose, RSA-PSS SHA-256) over the fixtures' payload.json,
    /// signed by the generated RSA leaf with its chain in x5chain.</summary>
    public static async Task<byte[]> CoseAsync()
    {
        var dir = await DirectoryAsync();
        var prot = new System.Security.Cryptography.Cose.CoseHeaderMap();
        var unprot = new System.Security.Cryptography.Cose.CoseHeaderMap();
        var crit = new System.Formats.Cbor.CborWriter();
        crit.WriteStartArray(1);
        crit.WriteTextString("io.cncf.notary.signingScheme");
        crit.WriteEndArray();
        prot.Add(System.Security.Cryptography.Cose.CoseHeaderLabel.CriticalHeaders, System.Security.Cryptography.Cose.CoseHeaderValue.FromEncodedValue(crit.Encode()));
        prot.Add(System.Security.Cryptography.Cose.CoseHeaderLabel.ContentType, "application/vnd.cncf.notary.payload.v1+json");
        prot.Add(new System.Security.Cryptography.Cose.CoseHeaderLabel("io.cncf.notary.signingScheme"), "notary.x509");
        var time = new System.Formats.Cbor.CborWriter();
        time.WriteUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds());
        prot.Add(new System.Security.Cryptography.Cose.CoseHeaderLabel("io.cncf.notary.signingTime"), System.Security.Cryptography.Cose.CoseHeaderValue.FromEncodedValue(time.Encode()));
        var x5chain = new System.Formats.Cbor.CborWriter();
        string[] chain = ["leaf", "intermediate", "root"];
        x5chain.WriteStartArray(chain.Length);
        foreach (var c in chain)
        {
            x5chain.WriteByteString(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dir, c + ".crt"))).RawData);
        }
        x5chain.WriteEndArray();
        unprot.Add(new System.Security.Cryptography.Cose.CoseHeaderLabel(33), System.Security.Cryptography.Cose.CoseHeaderValue.FromEncodedValue(x5chain.Encode()));
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(dir, "leaf.key")));
        return System.Security.Cryptography.Cose.CoseSign1Message.SignEmbedded(await File.ReadAllBytesAsync(Path.Combine(dir, "payload.json")),
            new System.Security.Cryptography.Cose.CoseSigner(rsa, System.Security.Cryptography.RSASignaturePadding.Pss, System.Security.Cryptography.HashAlgorithmName.SHA256, prot, unprot));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<string> GenerateAsync()
    {
        var dir = Path.Combine(TestRegistry.WorkDirectory, "notation-fixtures");
        generatedDirectory = dir;
        // Serves the CRL that openssl ca made for the generated CA; the CRL-checked leaves name this server.
        crlServer = new LoopbackHttpServer(async request =>
            request.Method == "GET" && request.Path == "/crl/intermediate.crl"
                ? new LoopbackResponse(200, await File.ReadAllBytesAsync(Path.Combine(generatedDirectory!, "intermediate.crl"))).WithHeader("Content-Type", "application/pkix-crl")
                : LoopbackResponse.Text(404, "{}"));
        var port = crlServer.Authority.Split(':')[1];
        var script = RepoPaths.Combine("tests", "fixtures", "notation", "make-fixtures.sh");
        await ExternalTools.RunAsync("bash", [script, dir, port], timeout: TimeSpan.FromMinutes(5));
        return dir;
    }
}
