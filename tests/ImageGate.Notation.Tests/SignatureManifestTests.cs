using System.Text;
using ImageGate.Notation;

namespace ImageGate.Notation.Tests;

/// <summary>Signature manifests: both artifactType forms, one layer, known envelope types.</summary>
[TestClass]
public sealed class SignatureManifestTests
{
    private const string Layer = "{\"mediaType\":\"application/cose\",\"digest\":\"sha256:aa\",\"size\":10}";
    private const string Subject = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:bb\",\"size\":358}";

    private static string Manifest(string mediaType = "application/vnd.oci.image.manifest.v1+json", string? artifactType = NotarySignatureManifest.ArtifactType,
        string configType = "application/vnd.oci.empty.v1+json", string layers = "[" + Layer + "]") =>
        "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\"" +
        (artifactType is null ? "" : ",\"artifactType\":\"" + artifactType + "\"") +
        ",\"config\":{\"mediaType\":\"" + configType + "\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2}" +
        ",\"layers\":" + layers + ",\"subject\":" + Subject + "}";

    private static NotarySignatureManifest Parse(string json) => NotarySignatureManifest.Parse(Encoding.UTF8.GetBytes(json));

    [TestMethod]
    public void CurrentFormIsRead()
    {
        var m = Parse(Manifest());
        Assert.AreEqual(new BlobDescriptor("application/cose", "sha256:aa", 10), m.Envelope);
        Assert.AreEqual("sha256:bb", m.Subject!.Digest);
    }

    [TestMethod]
    public void LegacyConfigFormIsRead() =>
        Assert.AreEqual("application/cose", Parse(Manifest(artifactType: null, configType: NotarySignatureManifest.ArtifactType)).Envelope.MediaType);

    [TestMethod]
    [DataRow("application/vnd.oci.artifact.manifest.v1+json", NotarySignatureManifest.ArtifactType, "[" + Layer + "]", "artifact manifests")]
    [DataRow("application/vnd.oci.image.manifest.v1+json", "application/vnd.dev.cosign.artifact.sig.v1+json", "[" + Layer + "]", "not a Notary signature manifest")]
    [DataRow("application/vnd.oci.image.manifest.v1+json", NotarySignatureManifest.ArtifactType, "[" + Layer + "," + Layer + "]", "exactly one layer")]
    [DataRow("application/vnd.oci.image.manifest.v1+json", NotarySignatureManifest.ArtifactType, "[{\"mediaType\":\"text/plain\",\"digest\":\"sha256:aa\",\"size\":1}]", "unsupported signature envelope media type")]
    [DataRow("application/vnd.oci.image.manifest.v1+json", NotarySignatureManifest.ArtifactType, "[{\"mediaType\":\"application/cose\",\"digest\":\"sha256:aa\",\"size\":99999999}]", "more than")]
    public void InvalidManifestsAreRejected(string mediaType, string artifactType, string layers, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => Parse(Manifest(mediaType, artifactType, layers: layers))).Message);

    [TestMethod]
    public void SharedExampleIsRead()
    {
        if (SharedVectorTests.VectorsDir is not { } dir)
        {
            return;
        }
        var m = NotarySignatureManifest.Parse(File.ReadAllBytes(Path.Combine(dir, "generated/envelopes/rsa-ps256.sigmanifest.json")));
        var envelope = File.ReadAllBytes(Path.Combine(dir, "generated/envelopes/rsa-ps256.jws"));
        Assert.AreEqual("application/jose+json", m.Envelope.MediaType);
        Assert.AreEqual(envelope.Length, m.Envelope.Size);
        Assert.AreEqual(TestCerts.TargetOf(Path.Combine(dir, "generated/target/manifest.json")).Digest, m.Subject!.Digest);
    }
}
