using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;

namespace ImageGate.IntegrationTests;

/// <summary>Images pushed to a loopback registry and signed by a <see cref="CosignLegacySigner"/> (openssl-made P-256 keys,
/// cosign's legacy <c>sha256-DIGEST.sig</c> layout), and the <c>release-signed</c> policy that trusts one such key.</summary>
internal static class CosignKeySigning
{
    /// <summary>Pushes an image under tag 1.0 and, with a <paramref name="signer"/>, its cosign signature image; with
    /// <paramref name="tamper"/>, the signed payload is altered after signing. Returns the tagged reference and the digest.</summary>
    public static async Task<(string Image, string Digest)> PushAsync(RegistryFixture registry, string repository, CosignLegacySigner? signer, bool tamper = false)
    {
        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() } });
        var image = await registry.PushImageAsync(repository, "1.0", config, [(Encoding.UTF8.GetBytes(repository), "application/vnd.oci.image.layer.v1.tar", null)]);
        if (signer is not null)
        {
            await signer.SignAsync(registry, repository, image, registry.Host + "/" + repository, tamper);
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
