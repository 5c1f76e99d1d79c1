using System.Text.Json;
using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Integration;

/// <summary>The OCI 1.1 referrers API with pagination. Debian's registry (2.8) has no referrers API, so a
/// loopback stub answers as a 1.1 registry does: an image index, <c>Link: rel="next"</c> pages, 404 elsewhere.</summary>
[TestClass]
public sealed class ReferrersApiTests
{
    private static readonly string Subject = OciDigest.Compute("subject"u8);

    private static object Entry(int i, string artifactType) => new
    {
        mediaType = MediaTypes.OciManifest,
        digest = OciDigest.Compute(System.Text.Encoding.UTF8.GetBytes($"referrer {i}")),
        size = 100 + i,
        artifactType,
    };

    private static Task<LoopbackResponse> Handle(LoopbackRequest r)
    {
        if (r.Path != $"/v2/demo/app/referrers/{Subject}")
        {
            return Task.FromResult(LoopbackResponse.Text(404, "{\"errors\":[{\"code\":\"NOT_FOUND\"}]}"));
        }
        if (r.Header("Accept") != MediaTypes.OciIndex)
        {
            return Task.FromResult(LoopbackResponse.Text(406, ""));
        }
        var page = r.Query["page"].FirstOrDefault() ?? "1";
        object[] entries = page == "1" ? [Entry(1, "application/vnd.dev.sigstore.bundle.v0.3+json"), Entry(2, "application/spdx+json")] : [Entry(3, "application/vnd.dev.sigstore.bundle.v0.3+json")];
        var response = LoopbackResponse.Text(200, JsonSerializer.Serialize(new { schemaVersion = 2, mediaType = MediaTypes.OciIndex, manifests = entries }), MediaTypes.OciIndex);
        return Task.FromResult(page == "1" ? response.WithHeader("Link", $"</v2/demo/app/referrers/{Subject}?page=2>; rel=\"next\"") : response);
    }

    [TestMethod]
    public async Task FollowsPagesAndFiltersByArtifactType()
    {
        await using var server = new LoopbackHttpServer(Handle);
        using var client = new RegistryClient(new RegistryClientOptions { InsecureRegistries = new HashSet<string> { server.Authority } });
        var repository = ImageReference.Parse($"{server.Authority}/demo/app");
        var all = await client.GetReferrersAsync(repository, Subject);
        Assert.AreEqual(3, all.Count);
        Assert.AreEqual(2, server.Requests.Count, "two pages, no fallback tag");
        var bundles = await client.GetReferrersAsync(repository, Subject, "application/vnd.dev.sigstore.bundle.v0.3+json");
        Assert.AreEqual(2, bundles.Count);
        Assert.AreEqual(2, server.Requests.Count, "filtering reuses the cached list");
    }

    [TestMethod]
    public async Task TooManyReferrersIsAnError()
    {
        await using var server = new LoopbackHttpServer(Handle);
        using var client = new RegistryClient(new RegistryClientOptions { MaxReferrers = 2, InsecureRegistries = new HashSet<string> { server.Authority } });
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetReferrersAsync(ImageReference.Parse($"{server.Authority}/demo/app"), Subject));
        Assert.AreEqual(RegistryErrorKind.TooLarge, e.Kind);
        StringAssert.Contains(e.Message, "more than 2 referrers");
    }
}
