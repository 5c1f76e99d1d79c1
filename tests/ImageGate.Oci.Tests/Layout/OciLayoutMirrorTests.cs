using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;
using ImageGate.Oci.Tests.Integration;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Layout;

[TestClass]
public sealed class OciLayoutMirrorTests
{
    private const string Host = "mirror.example.com";

    private static string layout = null!;
    private static string perRepository = null!;

    [ClassInitialize]
    public static async Task BuildAsync(TestContext _)
    {
        layout = await TestContent.LayoutAsync();
        // A folder of per-repository layouts, written by skopeo.
        perRepository = Scratch.NewDirectory("oci-mirror");
        Directory.CreateDirectory(Path.Combine(perRepository, "demo", "app"));
        await ExternalTools.RunAsync("skopeo", ["copy", "--insecure-policy", $"oci:{layout}:{ToolBuiltImages.Amd64Tag}", $"oci:{Path.Combine(perRepository, "demo", "app")}:v1"]);
    }

    private static RegistryClient Client(string path) => new(new RegistryClientOptions { LayoutMirrors = new Dictionary<string, string> { [Host] = path } });

    private static string LayoutDigest(string path, string tag) => JsonNode.Parse(File.ReadAllText(Path.Combine(path, "index.json")))!["manifests"]!.AsArray()
        .First(m => m!["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>() == tag)!["digest"]!.GetValue<string>();

    [TestMethod]
    public async Task ServesTagsAndPlatformsFromASharedLayout()
    {
        using var client = Client(layout);
        var image = await client.GetImageAsync(ImageReference.Parse($"{Host}/demo/any:{ToolBuiltImages.Amd64Tag}"));
        Assert.AreEqual(LayoutDigest(layout, ToolBuiltImages.Amd64Tag), image.Digest);
        var config = await client.GetBlobAsync(image.Reference, image.Manifest.Manifest.Config);
        StringAssert.Contains(Encoding.UTF8.GetString(config), "org.example.test");

        var multi = await client.GetImageAsync(ImageReference.Parse($"{Host}/demo/any:{ToolBuiltImages.MultiTag}"), Platform.Parse("linux/arm64"));
        Assert.AreEqual(LayoutDigest(layout, ToolBuiltImages.MultiTag), multi.Digest);
        Assert.AreEqual(LayoutDigest(layout, ToolBuiltImages.Arm64Tag), multi.Manifest.Descriptor.Digest);
        Assert.AreEqual(0, client.Statistics.TotalRequests, "a mirror never touches the network");
    }

    [TestMethod]
    public async Task ServesPerRepositoryLayouts()
    {
        using var client = Client(perRepository);
        var descriptor = await client.ResolveAsync(ImageReference.Parse($"{Host}/demo/app:v1"));
        Assert.AreEqual(LayoutDigest(Path.Combine(perRepository, "demo", "app"), "v1"), descriptor.Digest);
        var missing = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(ImageReference.Parse($"{Host}/demo/other:v1")));
        Assert.AreEqual(RegistryErrorKind.NotFound, missing.Kind);
        var missingTag = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(ImageReference.Parse($"{Host}/demo/app:v2")));
        StringAssert.Contains(missingTag.Message, "tag v2 not found");
        StringAssert.Contains(missingTag.Message, Host);
        Assert.IsNull(await client.GetSignaturesAsync(ImageReference.Parse($"{Host}/demo/app"), descriptor.Digest));
    }

    [TestMethod]
    public async Task FindsReferrersBySubjectAndVerifiesContent()
    {
        var copy = Scratch.NewDirectory("oci-mirror-copy");
        await ExternalTools.RunAsync("skopeo", ["copy", "--insecure-policy", $"oci:{layout}:{ToolBuiltImages.Amd64Tag}", $"oci:{copy}:v1"]);
        var subjectDigest = LayoutDigest(copy, "v1");
        var subjectSize = new FileInfo(Path.Combine(copy, "blobs", "sha256", subjectDigest[7..])).Length;
        var bundle = Encoding.UTF8.GetBytes("{\"bundle\":true}");
        var bundleDigest = Write(copy, bundle);
        var empty = Write(copy, "{}"u8.ToArray());
        var artifact = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["artifactType"] = TestContent.BundleType,
            ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciEmpty, ["digest"] = empty, ["size"] = 2 },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = TestContent.BundleType, ["digest"] = bundleDigest, ["size"] = bundle.Length }),
            ["subject"] = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = subjectDigest, ["size"] = subjectSize },
        }.ToJsonString());
        var artifactDigest = Write(copy, artifact);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(copy, "index.json")))!;
        index["manifests"]!.AsArray().Add(new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = artifactDigest, ["size"] = artifact.Length });
        File.WriteAllText(Path.Combine(copy, "index.json"), index.ToJsonString());

        using var client = Client(copy);
        var repository = ImageReference.Parse($"{Host}/demo/app");
        var referrers = await client.GetReferrersAsync(repository, subjectDigest, TestContent.BundleType);
        Assert.AreEqual(artifactDigest, referrers.Single().Digest);

        // Tamper with the bundle blob: the mirror is checked like a registry.
        File.WriteAllBytes(Path.Combine(copy, "blobs", "sha256", bundleDigest[7..]), Encoding.UTF8.GetBytes("{\"bundle\":fals}"));
        var layer = (await client.GetManifestAsync(repository.WithDigest(artifactDigest))).Manifest.Layers[0];
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetBlobAsync(repository, layer));
        Assert.AreEqual(RegistryErrorKind.DigestMismatch, e.Kind);
        StringAssert.Contains(e.Message, bundleDigest);
    }

    [TestMethod]
    public async Task RepositoryPathsCannotEscapeTheLayout()
    {
        using var client = Client(perRepository);
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(ImageReference.Parse($"{Host}/demo/../../etc:v1")));
        StringAssert.Contains(e.Message, "not allowed");
    }

    private static string Write(string layoutPath, byte[] content)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        File.WriteAllBytes(Path.Combine(layoutPath, "blobs", "sha256", hex), content);
        return "sha256:" + hex;
    }
}
