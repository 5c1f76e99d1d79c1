using System.Text;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Formats;

namespace ImageGate.Sigstore.Tests.Hostile;

/// <summary>Inputs found by fuzzing (fuzz/ImageGate.Fuzz). JSON parsing leaves strings undecoded, so invalid UTF-8
/// or an escaped lone surrogate escaped as an InvalidOperationException from whichever reader touched the string;
/// every parser must turn them into a verification failure instead.</summary>
[TestClass]
public sealed class FuzzRegressionTests
{
    private static byte[] WithInvalidUtf8(string json) =>
        Encoding.UTF8.GetBytes(json).Select(b => b == (byte)'#' ? (byte)0xFF : b).ToArray();

    public static IEnumerable<object[]> Inputs() =>
    [
        ["dsse invalid UTF-8 in keyid", (Func<byte[], object>)(b => DsseEnvelope.Parse(b)),
            WithInvalidUtf8("{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"#\",\"sig\":\"AAAA\"}]}")],
        ["dsse escaped lone surrogate", (Func<byte[], object>)(b => DsseEnvelope.Parse(b)),
            Encoding.UTF8.GetBytes("{\"payloadType\":\"\\ud800\",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"\\udc00x\",\"sig\":\"AAAA\"}]}")],
        ["in-toto invalid UTF-8 in a digest", (Func<byte[], object>)(b => InTotoStatement.Parse(b)),
            WithInvalidUtf8("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"x\",\"digest\":{\"sha256\":\"#\"}}],\"predicateType\":\"p\",\"predicate\":{}}")],
        ["simple signing invalid UTF-8 in an optional key", (Func<byte[], object>)(b => SimpleSigningPayload.Parse(b)),
            WithInvalidUtf8("{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{\"docker-manifest-digest\":\"sha256:00\"},\"type\":\"cosign container image signature\"},\"optional\":{\"#\":\"v\"}}")],
        ["bundle invalid UTF-8 in the media type", (Func<byte[], object>)(b => SigstoreBundle.Parse(b)),
            WithInvalidUtf8("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json#\",\"verificationMaterial\":{},\"dsseEnvelope\":{}}")],
    ];

    [TestMethod]
    [DynamicData(nameof(Inputs))]
    public void InvalidUnicodeInAStringIsAVerificationFailure(string name, Func<byte[], object> parse, byte[] input)
    {
        var error = Assert.ThrowsExactly<SigstoreVerificationException>(() => parse(input), name);
        StringAssert.Contains(error.Message, "not valid Unicode", name);
    }
}
