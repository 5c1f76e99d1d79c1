using System.Text;
using ImageGate.Oci.Client;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Integration;

/// <summary>Content pushed once per registry: tool-built images (umoci + skopeo) in OCI and Docker
/// media types, a multi-arch index, a cosign-style signature tag and a referrer in the tag schema.</summary>
internal sealed record TestContent(string AppDigest, string DockerDigest, string MultiDigest, string Amd64Digest, string Arm64Digest, PushedManifest Signature, PushedManifest Referrer, byte[] SignatureLayer)
{
    public const string SimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private static readonly SemaphoreSlim LayoutLock = new(1, 1);
    private static string? layout;

    /// <summary>The umoci layout, built once per test run.</summary>
    public static async Task<string> LayoutAsync()
    {
        await LayoutLock.WaitAsync();
        try
        {
            return layout ??= await ToolBuiltImages.BuildLayoutAsync(Scratch.NewDirectory("oci-layout"));
        }
        finally
        {
            LayoutLock.Release();
        }
    }

    public static async Task<TestContent> PushAsync(RegistryFixture registry, bool withTools = true)
    {
        var source = await LayoutAsync();
        await ToolBuiltImages.CopyAsync(registry, source, ToolBuiltImages.Amd64Tag, "demo/app:v1");
        await ToolBuiltImages.CopyAsync(registry, source, ToolBuiltImages.Amd64Tag, "demo/docker:v1", dockerFormat: true);
        await ToolBuiltImages.CopyAsync(registry, source, ToolBuiltImages.MultiTag, "demo/multi:v1", all: true);
        await ToolBuiltImages.CopyAsync(registry, source, ToolBuiltImages.MultiTag, "demo/multi-docker:v1", dockerFormat: true, all: true);
        var app = await DigestAsync(registry, "demo/app", "v1");
        var docker = await DigestAsync(registry, "demo/docker", "v1");
        var multi = await DigestAsync(registry, "demo/multi", "v1");
        var amd64 = await DigestAsync(registry, "demo/multi", "sha256-none", ToolBuiltImages.Amd64Tag, source);
        var arm64 = await DigestAsync(registry, "demo/multi", "sha256-none", ToolBuiltImages.Arm64Tag, source);

        // A cosign-style signature image under sha256-<hex>.sig (one layer = one signature).
        var payload = Encoding.UTF8.GetBytes($"{{\"critical\":{{\"identity\":{{\"docker-reference\":\"{registry.Host}/demo/app\"}},\"image\":{{\"docker-manifest-digest\":\"{app}\"}},\"type\":\"cosign container image signature\"}},\"optional\":null}}");
        var signature = await registry.PushImageAsync("demo/app", CosignTags.Signature(app), Encoding.UTF8.GetBytes("{\"architecture\":\"\",\"os\":\"\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"),
            [(payload, SimpleSigning, new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = "MEUCIQ-test" })]);

        // A referrer attached through the tag schema (registry 2.8 has no referrers API).
        var appManifest = await registry.GetAsync("demo/app", $"v2/demo/app/manifests/{app}", "application/vnd.oci.image.manifest.v1+json");
        var subject = new PushedManifest(app, appManifest.Body.LongLength, "application/vnd.oci.image.manifest.v1+json", appManifest.Body);
        var referrer = await registry.PushReferrerAsync("demo/app", subject, BundleType, Encoding.UTF8.GetBytes("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}"),
            BundleType, new Dictionary<string, string> { ["dev.sigstore.bundle.predicateType"] = "https://sigstore.dev/cosign/sign/v1" });
        return new TestContent(app, docker, multi, amd64, arm64, signature, referrer, payload);
    }

    private static async Task<string> DigestAsync(RegistryFixture registry, string repository, string tag, string? layoutTag = null, string? layoutPath = null)
    {
        if (layoutTag is not null)
        {
            // Digest of a layout image: read the layout's index.json entry.
            var index = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(layoutPath!, "index.json")));
            return index.RootElement.GetProperty("manifests").EnumerateArray()
                .First(m => m.TryGetProperty("annotations", out var a) && a.GetProperty("org.opencontainers.image.ref.name").GetString() == layoutTag)
                .GetProperty("digest").GetString()!;
        }
        var (status, _, response) = await registry.GetAsync(repository, $"v2/{repository}/manifests/{tag}",
            "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json");
        Assert.AreEqual(200, status, $"{repository}:{tag} should exist after the push");
        return response.Headers.GetValues("Docker-Content-Digest").First();
    }
}
