using System.Text;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.Credentials;
using ImageGate.Oci.References;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Faults;

/// <summary>Found by fuzzing (fuzz/ImageGate.Fuzz): JSON strings holding invalid UTF-8 escaped as an
/// InvalidOperationException when read. Manifests, token responses and credential files now fail with the
/// error their callers already report.</summary>
[TestClass]
public sealed class InvalidUnicodeTests
{
    private static byte[] WithInvalidUtf8(string json) =>
        Encoding.UTF8.GetBytes(json).Select(b => b == (byte)'#' ? (byte)0xFF : b).ToArray();

    [TestMethod]
    [DataRow("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json#\",\"config\":{},\"layers\":[]}")]
    [DataRow("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"annotations\":{\"#\":\"x\"}}")]
    [DataRow("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"annotations\":{\"a\":\"\\udc00\"}}")]
    public void ManifestWithInvalidUnicodeIsInvalidData(string json)
    {
        var bytes = WithInvalidUtf8(json);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => ManifestContent.Parse(bytes, "sha256:" + new string('0', 64), null));
        StringAssert.Contains(error.Message, "a string is not valid Unicode");
    }

    [TestMethod]
    public async Task TokenResponseWithInvalidUnicodeIsAClearRegistryError()
    {
        LoopbackHttpServer? server = null;
        server = new LoopbackHttpServer(r => Task.FromResult(r.Path == "/token"
            ? new LoopbackResponse(200, WithInvalidUtf8("{\"token\":\"abc#\"}")).WithHeader("Content-Type", "application/json")
            : LoopbackResponse.Text(401, "{}").WithHeader("WWW-Authenticate", $"Bearer realm=\"http://{server!.Authority}/token\",service=\"s\"")));
        await using var _ = server;
        using var client = new RegistryClient(new RegistryClientOptions
        {
            MaxAttempts = 1,
            AttemptTimeout = TimeSpan.FromSeconds(5),
            InsecureRegistries = new HashSet<string> { server.Authority },
        });
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync(ImageReference.Parse($"{server.Authority}/demo/app:v1")));
        Assert.AreEqual(RegistryErrorKind.InvalidContent, e.Kind, e.Message);
        StringAssert.Contains(e.Message, "returned malformed JSON");
        StringAssert.Contains(e.Message, $"(registry {server.Authority})");
    }

    [TestMethod]
    public async Task DockerConfigWithInvalidUnicodeIsACredentialError()
    {
        using var files = new TestFiles("oci-unicode");
        var path = Path.Combine(files.Root, "config.json");
        File.WriteAllBytes(path, WithInvalidUtf8("{\"auths\":{\"ghcr.io#\":{\"auth\":\"dTpw\"}}}"));
        var source = new DockerConfigCredentials([path], _ => null);
        var error = await Assert.ThrowsExactlyAsync<CredentialProviderException>(() => source.GetAsync("ghcr.io", "a/b", CancellationToken.None).AsTask());
        StringAssert.Contains(error.Message, "malformed JSON");
    }
}
