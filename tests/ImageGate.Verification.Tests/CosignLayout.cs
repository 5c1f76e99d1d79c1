using System.Text;
using System.Text.Json;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Verification.Tests;

/// <summary>Writes cosign's legacy tag layout: a <c>sha256-&lt;hex&gt;.sig</c> or <c>.att</c> image whose layers are
/// the signed payloads, with the signature and witnesses as layer annotations.</summary>
public static class CosignLayout
{
    public const string SimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string Dsse = "application/vnd.dsse.envelope.v1+json";
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>cosign's simple-signing payload (Go's field order, no whitespace).</summary>
    public static byte[] SimpleSigningPayload(string repository, string digest, IReadOnlyDictionary<string, string>? optional = null) =>
        Encoding.UTF8.GetBytes("{\"critical\":{\"identity\":{\"docker-reference\":" + JsonSerializer.Serialize(repository)
            + "},\"image\":{\"docker-manifest-digest\":" + JsonSerializer.Serialize(digest)
            + "},\"type\":\"cosign container image signature\"},\"optional\":"
            + (optional is null ? "null" : JsonSerializer.Serialize(optional)) + "}");

    /// <summary>An in-toto statement about <paramref name="digest"/>.</summary>
    public static byte[] Statement(string digest, string predicateType, string predicateJson) =>
        Encoding.UTF8.GetBytes("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"image\",\"digest\":{\"sha256\":\""
            + digest["sha256:".Length..] + "\"}}],\"predicateType\":" + JsonSerializer.Serialize(predicateType) + ",\"predicate\":" + predicateJson + "}");

    /// <summary>DSSE pre-authentication encoding.</summary>
    public static byte[] Pae(string payloadType, byte[] payload) =>
        [.. Encoding.UTF8.GetBytes($"DSSEv1 {Encoding.UTF8.GetByteCount(payloadType)} {payloadType} {payload.Length} "), .. payload];

    /// <summary>A DSSE envelope over an in-toto statement, signed with openssl.</summary>
    public static async Task<byte[]> DsseEnvelopeAsync(string privateKeyPath, byte[] statement)
    {
        const string type = "application/vnd.in-toto+json";
        var signature = await Openssl.SignAsync(privateKeyPath, Pae(type, statement));
        return Encoding.UTF8.GetBytes("{\"payloadType\":\"" + type + "\",\"payload\":\"" + Convert.ToBase64String(statement)
            + "\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"" + Convert.ToBase64String(signature) + "\"}]}");
    }

    /// <summary>Pushes a cosign signature or attestation image under <paramref name="tag"/>: one layer per entry.</summary>
    public static async Task<PushedManifest> PushAsync(string repository, string tag, IReadOnlyList<(byte[] Blob, string MediaType, IReadOnlyDictionary<string, string> Annotations)> layers,
        RegistryFixture? registry = null)
    {
        var diffIds = new List<string>();
        foreach (var (blob, _, _) in layers)
        {
            diffIds.Add("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(blob)));
        }
        var history = string.Join(",", layers.Select(_ => "{\"created\":\"0001-01-01T00:00:00Z\"}"));
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[" + history
            + "],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":" + JsonSerializer.Serialize(diffIds) + "},\"config\":{}}");
        return await (registry ?? TestRegistry.Registry).PushImageAsync(repository, tag, config, layers.Select(l => (l.Blob, l.MediaType, (IReadOnlyDictionary<string, string>?)l.Annotations)).ToList());
    }

    /// <summary>The <c>sha256-&lt;hex&gt;.suffix</c> tag of a digest.</summary>
    public static string Tag(string digest, string suffix, string prefix = "") => prefix + digest.Replace(':', '-') + "." + suffix;

    /// <summary>A simple-signing layer signed with a key: payload bytes and the signature annotation.</summary>
    public static async Task<(byte[] Blob, string MediaType, IReadOnlyDictionary<string, string> Annotations)> KeySignedLayerAsync(
        string privateKeyPath, byte[] payload, string hash = "sha256", bool ed25519 = false, byte[]? signedBytes = null)
    {
        var signature = await Openssl.SignAsync(privateKeyPath, signedBytes ?? payload, hash, ed25519);
        return (payload, SimpleSigning, new Dictionary<string, string> { [SignatureAnnotation] = Convert.ToBase64String(signature) });
    }
}
