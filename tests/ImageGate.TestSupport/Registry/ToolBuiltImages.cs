using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageGate.TestSupport.Registry;

/// <summary>Test images built and pushed with tools ImageGate did not write: umoci builds an OCI image
/// layout (linux/amd64 and linux/arm64 images plus a multi-arch index), skopeo copies it to a registry.</summary>
public static class ToolBuiltImages
{
    /// <summary>Tag of the linux/amd64 image in the layout.</summary>
    public const string Amd64Tag = "amd64";
    /// <summary>Tag of the linux/arm64 image in the layout.</summary>
    public const string Arm64Tag = "arm64";
    /// <summary>Tag of the multi-arch index in the layout.</summary>
    public const string MultiTag = "multi";

    /// <summary>Builds the layout under <paramref name="directory"/> with umoci and returns its path.</summary>
    public static async Task<string> BuildLayoutAsync(string directory)
    {
        var layout = Path.Combine(directory, "layout");
        var bundle = Path.Combine(directory, "bundle");
        if (Directory.Exists(layout))
        {
            Directory.Delete(layout, recursive: true);
        }
        await ExternalTools.RunAsync("umoci", ["init", "--layout", layout]).ConfigureAwait(false);
        await ExternalTools.RunAsync("umoci", ["new", "--image", $"{layout}:{Amd64Tag}"]).ConfigureAwait(false);
        await ExternalTools.RunAsync("umoci", ["unpack", "--rootless", "--image", $"{layout}:{Amd64Tag}", bundle]).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(bundle, "rootfs", "hello.txt"), "hello from an imagegate test image\n").ConfigureAwait(false);
        await ExternalTools.RunAsync("umoci", ["repack", "--image", $"{layout}:{Amd64Tag}", bundle]).ConfigureAwait(false);
        await ExternalTools.RunAsync("umoci", ["config", "--image", $"{layout}:{Amd64Tag}", "--config.cmd", "/hello.txt", "--os", "linux", "--architecture", "amd64", "--config.label", "org.example.test=imagegate"]).ConfigureAwait(false);
        await ExternalTools.RunAsync("umoci", ["config", "--image", $"{layout}:{Amd64Tag}", "--tag", Arm64Tag, "--architecture", "arm64"]).ConfigureAwait(false);
        await ExternalTools.RunAsync("umoci", ["gc", "--layout", layout]).ConfigureAwait(false);
        Directory.Delete(bundle, recursive: true);

        // A multi-arch index over the two images, added to the layout like any tagged manifest.
        var indexPath = Path.Combine(layout, "index.json");
        var index = JsonNode.Parse(await File.ReadAllTextAsync(indexPath).ConfigureAwait(false))!.AsObject();
        var manifests = index["manifests"]!.AsArray();
        var entries = new JsonArray();
        foreach (var (tag, arch) in new[] { (Amd64Tag, "amd64"), (Arm64Tag, "arm64") })
        {
            var entry = manifests.First(m => m!["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>() == tag)!;
            entries.Add(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["digest"] = entry["digest"]!.GetValue<string>(),
                ["size"] = entry["size"]!.GetValue<long>(),
                ["platform"] = new JsonObject { ["architecture"] = arch, ["os"] = "linux" },
            });
        }
        var multi = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = "application/vnd.oci.image.index.v1+json", ["manifests"] = entries });
        var hex = Convert.ToHexStringLower(SHA256.HashData(multi));
        await File.WriteAllBytesAsync(Path.Combine(layout, "blobs", "sha256", hex), multi).ConfigureAwait(false);
        manifests.Add(new JsonObject
        {
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["digest"] = "sha256:" + hex,
            ["size"] = multi.Length,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = MultiTag },
        });
        await File.WriteAllTextAsync(indexPath, index.ToJsonString()).ConfigureAwait(false);
        return layout;
    }

    /// <summary>Copies <c>oci:LAYOUT:TAG</c> to <c>REGISTRY/REPOSITORY:DESTTAG</c> with skopeo; <paramref name="dockerFormat"/>
    /// converts to Docker schema 2 media types, <paramref name="all"/> copies a whole index.</summary>
    public static Task CopyAsync(RegistryFixture registry, string layout, string tag, string repositoryAndTag, bool dockerFormat = false, bool all = false)
    {
        var args = new List<string> { "copy", "--insecure-policy" };
        args.AddRange(registry.SkopeoDestinationArguments());
        if (dockerFormat)
        {
            args.Add("--format=v2s2");
        }
        if (all)
        {
            args.Add("--all");
        }
        args.Add($"oci:{layout}:{tag}");
        args.Add($"docker://{registry.Host}/{repositoryAndTag}");
        return ExternalTools.RunAsync("skopeo", args, timeout: TimeSpan.FromMinutes(3));
    }
}
