using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Integration;

[TestClass]
public sealed class AnonymousRegistryTests
{
    private static RegistryFixture registry = null!;
    private static TestContent content = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        registry = await RegistryFixture.StartAsync();
        content = await TestContent.PushAsync(registry);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await registry.DisposeAsync();

    private static RegistryClient NewClient(RegistryClientOptions? options = null) =>
        new((options ?? new RegistryClientOptions()) with { InsecureRegistries = new HashSet<string> { registry.Host } });

    private static ImageReference Ref(string text) => ImageReference.Parse($"{registry.Host}/{text}");

    [TestMethod]
    public async Task TagToDigestPlusSignatureManifestPlusOneBlobIsThreeRequestsAndZeroAgain()
    {
        using var client = NewClient();
        var image = Ref("demo/app:v1");
        var mark = await registry.MarkAsync();

        async Task<byte[]> LookupAsync()
        {
            var descriptor = await client.ResolveAsync(image);
            var signatures = await client.GetSignaturesAsync(image, descriptor.Digest);
            Assert.IsNotNull(signatures);
            var layer = signatures.Manifest.Layers.Single();
            return await client.GetBlobAsync(image, layer);
        }

        var payload = await LookupAsync();
        CollectionAssert.AreEqual(content.SignatureLayer, payload);
        var first = await registry.RequestsSinceAsync(mark);
        Assert.AreEqual(3, first.Count, string.Join("\n", first));
        Assert.AreEqual("HEAD", first[0].Method);
        StringAssert.EndsWith(first[0].Path, "/manifests/v1");
        StringAssert.EndsWith(first[1].Path, "/manifests/" + CosignTags.Signature(content.AppDigest));
        StringAssert.Contains(first[2].Path, "/blobs/sha256:");
        Assert.AreEqual(3, client.Statistics.TotalRequests);

        mark = await registry.MarkAsync();
        var again = await LookupAsync();
        CollectionAssert.AreEqual(payload, again);
        Assert.AreEqual(0, (await registry.RequestsSinceAsync(mark)).Count);
        Assert.AreEqual(3, client.Statistics.TotalRequests);
        Assert.IsTrue(client.Statistics.CacheHits >= 3, client.Statistics.Format());
        StringAssert.Contains(client.Statistics.Format(), $"registry {registry.Host}: 3 requests");
    }

    [TestMethod]
    public async Task BundleDiscoveryWithoutReferrersApiIsThreePlusTwoPerBundle()
    {
        using var client = NewClient();
        var image = Ref("demo/app:v1");
        var mark = await registry.MarkAsync();
        var digest = (await client.ResolveAsync(image)).Digest;
        foreach (var referrer in await client.GetReferrersAsync(image, digest, TestContent.BundleType))
        {
            var manifest = await client.GetManifestAsync(image.WithDigest(referrer.Digest));
            await client.GetBlobAsync(image, manifest.Manifest.Layers.Single());
        }
        // HEAD, referrers API (404), fallback tag, then manifest + blob for the one bundle.
        Assert.AreEqual(3 + 2, (await registry.RequestsSinceAsync(mark)).Count);
    }

    [TestMethod]
    public async Task ConcurrentLookupsShareOneRequest()
    {
        using var client = NewClient();
        var mark = await registry.MarkAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.ResolveAsync(Ref("demo/app:v1"))));
        Assert.IsTrue(results.All(d => d.Digest == content.AppDigest));
        Assert.AreEqual(1, (await registry.RequestsSinceAsync(mark)).Count);
        Assert.AreEqual(11, client.Statistics.CacheHits);
    }

    [TestMethod]
    public async Task OciImageFromSkopeo()
    {
        using var client = NewClient();
        var image = await client.GetImageAsync(Ref("demo/app:v1"));
        Assert.AreEqual(content.AppDigest, image.Digest);
        Assert.IsNull(image.Index);
        Assert.AreEqual(MediaTypes.OciManifest, image.Manifest.Descriptor.MediaType);
        Assert.AreEqual(MediaTypes.OciConfig, image.Manifest.Manifest.Config.MediaType);
        var config = System.Text.Json.JsonDocument.Parse(await client.GetBlobAsync(image.Reference, image.Manifest.Manifest.Config));
        Assert.AreEqual("amd64", config.RootElement.GetProperty("architecture").GetString());
        Assert.AreEqual("imagegate", config.RootElement.GetProperty("config").GetProperty("Labels").GetProperty("org.example.test").GetString());
        Assert.AreEqual($"{registry.Host}/demo/app:v1@{content.AppDigest}", image.PinnedReference);
        var layer = image.Manifest.Manifest.Layers.Single();
        var bytes = await client.GetBlobAsync(image.Reference, layer);
        Assert.AreEqual(layer.Size, bytes.LongLength);
    }

    [TestMethod]
    public async Task DockerMediaTypesFromSkopeo()
    {
        using var client = NewClient();
        var image = await client.GetImageAsync(Ref("demo/docker:v1"));
        Assert.AreEqual(content.DockerDigest, image.Digest);
        Assert.AreEqual(MediaTypes.DockerManifest, image.Manifest.Descriptor.MediaType);
        Assert.AreEqual(MediaTypes.DockerConfig, image.Manifest.Manifest.Config.MediaType);
        Assert.AreNotEqual(content.AppDigest, image.Digest, "the Docker-format copy is a different manifest");
        var config = await client.GetBlobAsync(image.Reference, image.Manifest.Manifest.Config);
        StringAssert.Contains(System.Text.Encoding.UTF8.GetString(config), "\"architecture\":\"amd64\"");
    }

    [TestMethod]
    public async Task MultiArchIndexSelectsThePlatform()
    {
        using var client = NewClient();
        var amd = await client.GetImageAsync(Ref("demo/multi:v1"));
        Assert.AreEqual(content.MultiDigest, amd.Digest, "the index digest is what the reference resolves to");
        Assert.IsNotNull(amd.Index);
        Assert.AreEqual(content.Amd64Digest, amd.Manifest.Descriptor.Digest);

        var arm = await client.GetImageAsync(Ref("demo/multi:v1"), Platform.Parse("linux/arm64"));
        Assert.AreEqual(content.Arm64Digest, arm.Manifest.Descriptor.Digest);

        using var armClient = NewClient(new RegistryClientOptions { Platform = Platform.Parse("linux/arm64") });
        Assert.AreEqual(content.Arm64Digest, (await armClient.GetImageAsync(Ref("demo/multi:v1"))).Manifest.Descriptor.Digest);

        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetImageAsync(Ref("demo/multi:v1"), Platform.Parse("linux/s390x")));
        Assert.AreEqual(RegistryErrorKind.NotFound, e.Kind);
        StringAssert.Contains(e.Message, "linux/s390x");
        StringAssert.Contains(e.Message, "linux/amd64, linux/arm64");
        StringAssert.Contains(e.Message, registry.Host);
    }

    [TestMethod]
    public async Task DockerManifestListSelectsThePlatform()
    {
        using var client = NewClient();
        var image = await client.GetImageAsync(Ref("demo/multi-docker:v1"), Platform.Parse("linux/arm64"));
        Assert.AreEqual(MediaTypes.DockerManifestList, image.Index!.Descriptor.MediaType);
        Assert.AreEqual(MediaTypes.DockerManifest, image.Manifest.Descriptor.MediaType);
        var config = await client.GetBlobAsync(image.Reference, image.Manifest.Manifest.Config);
        StringAssert.Contains(System.Text.Encoding.UTF8.GetString(config), "\"architecture\":\"arm64\"");
    }

    [TestMethod]
    public async Task ReferrersFallBackToTheTagSchema()
    {
        using var client = NewClient();
        var mark = await registry.MarkAsync();
        var referrers = await client.GetReferrersAsync(Ref("demo/app"), content.AppDigest);
        var requests = await registry.RequestsSinceAsync(mark);
        Assert.AreEqual(1, referrers.Count);
        Assert.AreEqual(content.Referrer.Digest, referrers[0].Digest);
        Assert.AreEqual(TestContent.BundleType, referrers[0].ArtifactType);
        Assert.AreEqual("https://sigstore.dev/cosign/sign/v1", referrers[0].Annotations!["dev.sigstore.bundle.predicateType"]);
        Assert.AreEqual(2, requests.Count, string.Join("\n", requests));
        StringAssert.Contains(requests[0].Path, "/referrers/");
        Assert.AreEqual(404, requests[0].Status);
        StringAssert.EndsWith(requests[1].Path, "/manifests/" + OciDigest.ToTag(content.AppDigest));

        Assert.AreEqual(0, (await client.GetReferrersAsync(Ref("demo/app"), content.AppDigest, "application/vnd.example.other")).Count);
        Assert.AreEqual(1, (await client.GetReferrersAsync(Ref("demo/app"), content.AppDigest, TestContent.BundleType)).Count);
        Assert.AreEqual(0, (await registry.RequestsSinceAsync(mark)).Count - 2, "filtered lookups come from the cache");

        var referrer = await client.GetManifestAsync(Ref("demo/app").WithDigest(referrers[0].Digest));
        Assert.AreEqual(content.AppDigest, referrer.Manifest.Subject!.Digest);
        Assert.AreEqual(0, (await client.GetReferrersAsync(Ref("demo/docker"), content.DockerDigest)).Count, "no fallback tag means no referrers");
    }

    [TestMethod]
    public async Task MissingContentIsNotFoundNamingImageAndRegistry()
    {
        using var client = NewClient();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref("demo/app:nope")));
        Assert.AreEqual(RegistryErrorKind.NotFound, e.Kind);
        StringAssert.Contains(e.Message, $"{registry.Host}/demo/app:nope");
        StringAssert.Contains(e.Message, $"registry {registry.Host}");
        Assert.IsNull(await client.GetSignaturesAsync(Ref("demo/docker"), content.DockerDigest), "an unsigned image has no .sig tag");
        Assert.IsNull(await client.GetAttestationsAsync(Ref("demo/app"), content.AppDigest));
        var blob = new Descriptor { MediaType = "application/octet-stream", Digest = OciDigest.Compute("absent"u8), Size = 6 };
        var b = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetBlobAsync(Ref("demo/app"), blob));
        Assert.AreEqual(RegistryErrorKind.NotFound, b.Kind);
    }

    [TestMethod]
    public async Task DigestReferencesAreFetchedAndVerifiedByDigest()
    {
        using var client = NewClient();
        var mark = await registry.MarkAsync();
        var manifest = await client.GetManifestAsync(Ref($"demo/app@{content.AppDigest}"));
        Assert.AreEqual(content.AppDigest, manifest.Descriptor.Digest);
        Assert.AreEqual(content.AppDigest, (await client.ResolveAsync(Ref($"demo/app:v1@{content.AppDigest}"))).Digest);
        Assert.AreEqual(1, (await registry.RequestsSinceAsync(mark)).Count);
    }

    [TestMethod]
    public async Task PlainHttpIsRefusedUnlessAllowed()
    {
        using var client = new RegistryClient(new RegistryClientOptions { MaxAttempts = 1 });
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(Ref("demo/app:v1")));
        StringAssert.Contains(e.Message, registry.Host);
        Assert.IsTrue(e.Kind is RegistryErrorKind.Refused or RegistryErrorKind.Transport, e.ToString());
    }

    [TestMethod]
    public async Task OversizedBlobDescriptorIsRefusedBeforeAnyRequest()
    {
        using var client = NewClient(new RegistryClientOptions { MaxBlobBytes = 10 });
        var mark = await registry.MarkAsync();
        var image = await client.GetImageAsync(Ref("demo/app:v1"));
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetBlobAsync(image.Reference, image.Manifest.Manifest.Layers[0]));
        Assert.AreEqual(RegistryErrorKind.TooLarge, e.Kind);
        StringAssert.Contains(e.Message, "10 byte limit");
        Assert.AreEqual(1, (await registry.RequestsSinceAsync(mark)).Count, "only the manifest was fetched");
    }

    [TestMethod]
    public async Task ImageDataMatchesKyvernosShape()
    {
        using var client = NewClient();
        var mark = await registry.MarkAsync();
        var data = await ImageData.LoadAsync(client, $"{registry.Host}/demo/multi:v1");
        Assert.AreEqual($"{registry.Host}/demo/multi:v1@{content.MultiDigest}", data.ResolvedImage);
        Assert.AreEqual(registry.Host, data.Registry);
        Assert.AreEqual("demo/multi", data.Repository);
        Assert.AreEqual("v1", data.Identifier);
        Assert.AreEqual("v1", data.Tag);
        Assert.AreEqual(content.MultiDigest, data.Digest);
        Assert.AreEqual(2, data.ImageIndex!.Value.GetProperty("manifests").GetArrayLength());
        Assert.AreEqual("amd64", data.Config.GetProperty("architecture").GetString());
        var json = data.ToJson();
        Assert.AreEqual(2, json.GetProperty("manifest").GetProperty("schemaVersion").GetInt32());
        // index + platform manifest + config, nothing else
        Assert.AreEqual(3, (await registry.RequestsSinceAsync(mark)).Count);

        var single = await ImageData.LoadAsync(client, $"{registry.Host}/demo/app@{content.AppDigest}");
        Assert.AreEqual($"{registry.Host}/demo/app@{content.AppDigest}", single.ResolvedImage);
        Assert.AreEqual("", single.Tag);
        Assert.AreEqual(content.AppDigest, single.Identifier);
        Assert.IsNull(single.ImageIndex);
    }
}
