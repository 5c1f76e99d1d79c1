using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;

namespace ImageGate.IntegrationTests;

/// <summary>Images signed with openssl-made P-256 keys in cosign's legacy tag layout (<c>sha256-DIGEST.sig</c>), pushed to a
/// loopback registry, and the <c>release-signed</c> policy that trusts one such key.</summary>
internal static class CosignKeySigning
{
    /// <summary>Generates a P-256 private key in <paramref name="folder"/>; returns its path and its public key in PEM.</summary>
    public static async Task<(string Path, string PublicPem)> NewKeyAsync(string folder, string name)
    {
        var path = Path.Combine(folder, name + ".key");
        await ExternalTools.RunAsync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path]);
        return (path, await ExternalTools.RunAsync("openssl", ["pkey", "-in", path, "-pubout"]));
    }

    /// <summary>Pushes an image under tag 1.0 and, with a <paramref name="key"/>, its cosign signature image; with
    /// <paramref name="tamper"/>, the signed payload is altered after signing. Returns the tagged reference and the digest.</summary>
    public static async Task<(string Image, string Digest)> PushAsync(RegistryFixture registry, string folder, string repository, string? key, bool tamper = false)
    {
        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() } });
        var image = await registry.PushImageAsync(repository, "1.0", config, [(Encoding.UTF8.GetBytes(repository), "application/vnd.oci.image.layer.v1.tar", null)]);
        if (key is not null)
        {
            var payload = "{\"critical\":{\"identity\":{\"docker-reference\":\"" + registry.Host + "/" + repository
                + "\"},\"image\":{\"docker-manifest-digest\":\"" + image.Digest + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
            var input = Path.Combine(folder, Guid.NewGuid().ToString("N"));
            await File.WriteAllTextAsync(input, payload);
            await ExternalTools.RunAsync("openssl", ["dgst", "-sha256", "-sign", key, "-out", input + ".sig", input]);
            var signature = Convert.ToBase64String(await File.ReadAllBytesAsync(input + ".sig"));
            var pushed = tamper ? payload.Replace("\"optional\":null", "\"optional\":{\"by\":\"mallory\"}", StringComparison.Ordinal) : payload;
            var sigConfig = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "", os = "", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() }, config = new { } });
            await registry.PushImageAsync(repository, image.Digest.Replace(':', '-') + ".sig", sigConfig,
                [(Encoding.UTF8.GetBytes(pushed), "application/vnd.dev.cosign.simplesigning.v1+json", new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = signature })]);
        }
        return ($"{registry.Host}/{repository}:1.0", image.Digest);
    }

    /// <summary>The <c>release-signed</c> policy: every image from <paramref name="registryHost"/> must carry a cosign
    /// signature by <paramref name="publicPem"/>; <paramref name="seedVocabulary"/> writes it in the v1alpha1 vocabulary
    /// (<c>imageRules</c>, attestors named by string) instead of the current one.</summary>
    public static string ReleaseSignedPolicy(string registryHost, string publicPem, bool seedVocabulary = false) => $$"""
        apiVersion: policies.kyverno.io/{{(seedVocabulary ? "v1alpha1" : "v1")}}
        kind: ImageValidatingPolicy
        metadata:
          name: release-signed
        spec:
        {{ApplyHarness.MatchPods}}
          {{(seedVocabulary ? "imageRules" : "matchImageReferences")}}:
          - glob: "{{registryHost}}/*"
          credentials:
            allowInsecureRegistry: true
          attestors:
          - name: release
            cosign:
              key:
                data: |
        {{ApplyHarness.Indent(publicPem, 10)}}
              ctlog:
                insecureIgnoreTlog: true
          validations:
          - expression: "images.containers.all(i, verifyImageSignatures(i, [{{(seedVocabulary ? "'release'" : "attestors.release")}}]) > 0)"
            message: images must be signed with the release key
        """;
}
