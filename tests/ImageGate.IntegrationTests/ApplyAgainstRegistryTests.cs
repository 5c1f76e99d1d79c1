using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;

namespace ImageGate.IntegrationTests;

/// <summary><c>imagegate apply</c> against Debian's docker-registry on loopback: tags are pinned to
/// digests as the mutating webhook would, <c>image.GetMetadata</c> reads the real config, registry faults
/// become errors naming the image and registry, and a second policy over the same image costs no request.</summary>
[TestClass]
public sealed class ApplyAgainstRegistryTests
{
    private static RegistryFixture registry = null!;
    private static string rootImage = "";
    private static string userImage = "";
    private static string userDigest = "";

    [ClassInitialize]
    public static async Task StartRegistry(TestContext _)
    {
        registry = await RegistryFixture.StartAsync();
        userImage = $"{registry.Host}/acme/app:1.0";
        rootImage = $"{registry.Host}/acme/tools:2.0";
        var layer = (Encoding.UTF8.GetBytes("layer"), "application/vnd.oci.image.layer.v1.tar", (IReadOnlyDictionary<string, string>?)null);
        userDigest = (await registry.PushImageAsync("acme/app", "1.0", Config("1000"), [layer])).Digest;
        await registry.PushImageAsync("acme/tools", "2.0", Config("root"), [layer]);
    }

    [ClassCleanup]
    public static async Task StopRegistry() => await registry.DisposeAsync();

    private static byte[] Config(string user) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        architecture = "amd64",
        os = "linux",
        config = new { User = user },
        rootfs = new { type = "layers", diff_ids = Array.Empty<string>() },
    });

    private static string Policy(string name) => $$"""
        apiVersion: policies.kyverno.io/v1
        kind: ImageValidatingPolicy
        metadata:
          name: {{name}}
        spec:
        {{ApplyHarness.MatchPods}}
          matchImageReferences:
          - glob: "{{registry.Host}}/*"
          credentials:
            allowInsecureRegistry: true
          validationConfigurations:
            required: false
          attestors: []
          validations:
          - expression: "images.containers.all(i, image.GetMetadata(i).config.config.User != 'root')"
            messageExpression: "'images must not run as root: ' + images.containers.join(', ')"
        """;

    private static string Pod(string image) => $"""
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: app, namespace: shop{"}"}
        spec:
          containers:
          - name: app
            image: {image}
        """;

    private static (int Code, JsonDocument Json, string Stderr) Apply(string folder, params string[] extra)
    {
        var (code, stdout, stderr) = CliInProcess.Run(["apply", "policies", "-r", "pod.yaml", "-o", "json", "--insecure-registry", registry.Host, "--stats", .. extra],
            folder, "apply");
        return (code, JsonDocument.Parse(stdout), stderr);
    }

    private static string Folder(string image, int policies)
    {
        var dir = Path.Combine(RepoPaths.TestWork, "apply-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "policies"));
        for (var i = 0; i < policies; i++)
        {
            File.WriteAllText(Path.Combine(dir, "policies", $"p{i}.yaml"), Policy($"no-root-{i}"));
        }
        File.WriteAllText(Path.Combine(dir, "pod.yaml"), Pod(image));
        return dir;
    }

    [TestMethod]
    public async Task TagIsPinnedAndMetadataComesFromTheRegistry()
    {
        var mark = await registry.MarkAsync();
        var (code, json, stderr) = Apply(Folder(userImage, 1));
        Assert.AreEqual(0, code, stderr);
        var result = json.RootElement.GetProperty("results")[0];
        Assert.AreEqual("pass", result.GetProperty("result").GetString(), result.GetProperty("message").GetString());
        StringAssert.Contains(json.RootElement.ToString(), $"{userImage}@{userDigest}");
        var requests = await registry.RequestsSinceAsync(mark);
        Console.WriteLine("registry requests: " + string.Join(", ", requests.Select(r => $"{r.Method} {r.Path} {r.Status}")));
        // The minimum: resolve the tag, fetch the manifest and the config blob once each.
        CollectionAssert.AreEqual(
            new[] { "HEAD /v2/acme/app/manifests/1.0", $"GET /v2/acme/app/manifests/{userDigest}", "GET /v2/acme/app/blobs/" },
            requests.Select(r => r.Path.StartsWith("/v2/acme/app/blobs/", StringComparison.Ordinal) ? $"{r.Method} /v2/acme/app/blobs/" : $"{r.Method} {r.Path}").ToArray());
    }

    [TestMethod]
    public async Task SecondPolicyOverTheSameImageCostsNoRequest()
    {
        var mark = await registry.MarkAsync();
        Apply(Folder(userImage, 1));
        var one = (await registry.RequestsSinceAsync(mark)).Count;
        mark = await registry.MarkAsync();
        var (code, json, stderr) = Apply(Folder(userImage, 2));
        var two = (await registry.RequestsSinceAsync(mark)).Count;
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual(2, json.RootElement.GetProperty("results").GetArrayLength());
        Assert.AreEqual(one, two, "the second policy must be answered from the run's cache");
    }

    [TestMethod]
    public void RootImageFailsWithTheValidationMessage()
    {
        var (code, json, stderr) = Apply(Folder(rootImage, 1));
        Assert.AreEqual(1, code, stderr);
        var result = json.RootElement.GetProperty("results")[0];
        Assert.AreEqual("fail", result.GetProperty("result").GetString());
        StringAssert.Contains(result.GetProperty("message").GetString(), "images must not run as root");
    }

    [TestMethod]
    public void MissingTagIsAnErrorNamingImageAndRegistry()
    {
        var missing = $"{registry.Host}/acme/app:does-not-exist";
        var (code, json, stderr) = Apply(Folder(missing, 1));
        Assert.AreEqual(1, code, stderr);
        var messages = json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("message").GetString()).ToList();
        Assert.IsTrue(messages.Any(m => m!.Contains("failed to update digest") && m.Contains(missing) && m.Contains(registry.Host)), string.Join(" | ", messages));
        Assert.IsTrue(json.RootElement.GetProperty("results").EnumerateArray().All(r => r.GetProperty("result").GetString() != "pass"));
    }
}
