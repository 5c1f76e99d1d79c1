using System.Text;
using System.Text.Json;
using ImageGate.TestSupport.Registry;

namespace ImageGate.TestSupport.Signing;

/// <summary>Signs pushed images with an openssl-made P-256 key in cosign's legacy tag layout
/// (<c>sha256-DIGEST.sig</c>: a simple-signing payload layer carrying the base64 signature annotation).</summary>
public sealed class CosignLegacySigner
{
    private readonly string keyPath;
    private readonly string folder;

    private CosignLegacySigner(string keyPath, string folder, string publicKeyPem)
    {
        this.keyPath = keyPath;
        this.folder = folder;
        PublicKeyPem = publicKeyPem;
    }

    /// <summary>The public key in PEM, for a policy's <c>cosign.key.data</c>.</summary>
    public string PublicKeyPem { get; }

    /// <summary>Generates a fresh P-256 key with openssl in <paramref name="folder"/>.</summary>
    public static async Task<CosignLegacySigner> CreateAsync(string folder, string name = "cosign")
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".key");
        await ExternalTools.RunAsync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path]).ConfigureAwait(false);
        var publicPem = await ExternalTools.RunAsync("openssl", ["pkey", "-in", path, "-pubout"]).ConfigureAwait(false);
        return new CosignLegacySigner(path, folder, publicPem);
    }

    /// <summary>The simple-signing payload cosign writes for <paramref name="dockerReference"/> (host/repository) at <paramref name="digest"/>.</summary>
    public static string Payload(string dockerReference, string digest) =>
        "{\"critical\":{\"identity\":{\"docker-reference\":\"" + dockerReference + "\"},\"image\":{\"docker-manifest-digest\":\""
        + digest + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";

    /// <summary>Signs <paramref name="image"/> of <paramref name="repository"/> and pushes the signature image. With
    /// <paramref name="tamper"/> the pushed payload is altered after signing, so verification must fail.</summary>
    public async Task SignAsync(RegistryFixture registry, string repository, PushedManifest image, string dockerReference, bool tamper = false)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(image);
        var payload = Payload(dockerReference, image.Digest);
        var input = Path.Combine(folder, "payload-" + image.Digest[7..]);
        await File.WriteAllTextAsync(input, payload).ConfigureAwait(false);
        await ExternalTools.RunAsync("openssl", ["dgst", "-sha256", "-sign", keyPath, "-out", input + ".sig", input]).ConfigureAwait(false);
        var signature = Convert.ToBase64String(await File.ReadAllBytesAsync(input + ".sig").ConfigureAwait(false));
        File.Delete(input);
        File.Delete(input + ".sig");
        var pushed = tamper ? payload.Replace("\"optional\":null", "\"optional\":{\"by\":\"mallory\"}", StringComparison.Ordinal) : payload;
        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "", os = "", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() }, config = new { } });
        await registry.PushImageAsync(repository, image.Digest.Replace(':', '-') + ".sig", config,
            [(Encoding.UTF8.GetBytes(pushed), "application/vnd.dev.cosign.simplesigning.v1+json", new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = signature })]).ConfigureAwait(false);
    }
}
