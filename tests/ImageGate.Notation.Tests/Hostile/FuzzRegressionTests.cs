using System.Text;
using ImageGate.Notation;
using ImageGate.Notation.Envelopes;

namespace ImageGate.Notation.Tests.Hostile;

/// <summary>Inputs found by fuzzing (fuzz/ImageGate.Fuzz): invalid UTF-8 or an escaped lone surrogate in a JSON
/// string escaped as an InvalidOperationException when the string was read. Each is now an integrity failure
/// (or the signature manifest's FormatException) with a reason.</summary>
[TestClass]
public sealed class FuzzRegressionTests
{
    private static byte[] WithInvalidUtf8(string json) =>
        Encoding.UTF8.GetBytes(json).Select(b => b == (byte)'#' ? (byte)0xFF : b).ToArray();

    [TestMethod]
    [DataRow("{\"payload\":\"#\",\"protected\":\"e30\",\"signature\":\"AA\",\"header\":{\"x5c\":[\"AA\"]}}")]
    [DataRow("{\"payload\":\"e30\",\"protected\":\"e30\",\"signature\":\"AA\",\"header\":{\"x5c\":[\"#\"]}}")]
    [DataRow("{\"payload\":\"e30\",\"protected\":\"e30\",\"signature\":\"AA\",\"header\":{\"#\":1,\"x5c\":[\"AA\"]}}")]
    public void InvalidUtf8InAJwsEnvelopeIsAnIntegrityFailure(string json)
    {
        var error = Assert.ThrowsExactly<NotaryException>(() => JwsEnvelopeParser.Parse(WithInvalidUtf8(json)));
        Assert.AreEqual(NotaryFailureKind.Integrity, error.Kind);
        StringAssert.Contains(error.Message, "JWS envelope is not valid: a string is not valid Unicode");
    }

    [TestMethod]
    public void EscapedLoneSurrogateInTheProtectedHeaderIsAnIntegrityFailure()
    {
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"alg\":\"\\ud800\"}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var json = $"{{\"payload\":\"e30\",\"protected\":\"{header}\",\"signature\":\"AA\",\"header\":{{\"x5c\":[\"AA\"]}}}}";
        Assert.AreEqual(NotaryFailureKind.Integrity, Assert.ThrowsExactly<NotaryException>(() => JwsEnvelopeParser.Parse(Encoding.UTF8.GetBytes(json))).Kind);
        var error = Assert.ThrowsExactly<FormatException>(() => StrictJson.Parse(Encoding.UTF8.GetBytes("{\"alg\":\"\\ud800\"}"), 32, reason => new FormatException(reason)));
        StringAssert.Contains(error.Message, "a string is not valid Unicode");
    }

    [TestMethod]
    public void InvalidUtf8InASignatureManifestIsAFormatError()
    {
        var manifest = WithInvalidUtf8("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json#\",\"config\":{},\"layers\":[]}");
        var error = Assert.ThrowsExactly<FormatException>(() => NotarySignatureManifest.Parse(manifest));
        StringAssert.Contains(error.Message, "the signature manifest is not valid: a string is not valid Unicode");
    }

    [TestMethod]
    public void InvalidUtf8InTheSignedPayloadIsAnIntegrityFailure()
    {
        var payload = WithInvalidUtf8("{\"targetArtifact\":{\"mediaType\":\"#\",\"digest\":\"sha256:00\",\"size\":1}}");
        var error = Assert.ThrowsExactly<NotaryException>(() => SignedPayload.Parse(payload));
        Assert.AreEqual(NotaryFailureKind.Integrity, error.Kind);
        StringAssert.Contains(error.Message, "a string is not valid Unicode");
    }
}
