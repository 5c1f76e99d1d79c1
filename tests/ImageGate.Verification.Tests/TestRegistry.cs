using System.Text;
using ImageGate.Oci.Client;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;
using ImageGate.Verification.Cosign;
using ImageGate.Verification.Notary;

namespace ImageGate.Verification.Tests;

/// <summary>One docker-registry on loopback for the whole test assembly, and helpers to push images into it.</summary>
[TestClass]
public static class TestRegistry
{
    private static RegistryFixture? registry;
    private static int counter;

    /// <summary>The running registry.</summary>
    public static RegistryFixture Registry => registry ?? throw new InvalidOperationException("the registry has not started");

    /// <summary>A fresh working folder for generated keys and signatures.</summary>
    public static string WorkDirectory { get; private set; } = "";

    [AssemblyInitialize]
    public static async Task StartAsync(TestContext _)
    {
        ImageGate.TestSupport.Secrets.SecretOutputs.RecordImageGateExceptions();
        WorkDirectory = Path.Combine(RepoPaths.TestWork, "verification-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(WorkDirectory);
        registry = await RegistryFixture.StartAsync();
    }

    [AssemblyCleanup]
    public static async Task StopAsync()
    {
        await NotaryFixtures.StopAsync();
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Pushes a small, unique OCI image under <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public static Task<PushedManifest> PushImageAsync(string repository, string tag = "v1") =>
        PushImageAsync(repository, tag, $"{Interlocked.Increment(ref counter)}-{Guid.NewGuid():N}");

    /// <summary>Pushes the small OCI image made from <paramref name="seed"/>: the same seed gives the same digest in any repository.</summary>
    public static Task<PushedManifest> PushImageAsync(string repository, string tag, string seed, RegistryFixture? registry = null)
    {
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Labels\":{{\"n\":\"{seed}\"}}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}");
        var layer = Encoding.UTF8.GetBytes($"layer {seed}\n");
        return (registry ?? Registry).PushImageAsync(repository, tag, config, [(layer, "application/vnd.oci.image.layer.v1.tar", null)]);
    }

    /// <summary>A run's registry client for the loopback registry (plain HTTP allowed for it only).</summary>
    public static RegistryClient NewClient() => new(new RegistryClientOptions { InsecureRegistries = new HashSet<string> { Registry.Host } });

    /// <summary>The port implementation with both attestor verifiers over one client.</summary>
    public static RegistryImageVerifier NewVerifier(IRegistryClient client, NotaryAttestorVerifier? notary = null) =>
        new(_ => client, [new CosignAttestorVerifier(), notary ?? new NotaryAttestorVerifier()]);

    /// <summary>The image reference text of a repository and tag in the loopback registry.</summary>
    public static string Image(string repository, string tag = "v1") => $"{Registry.Host}/{repository}:{tag}";

    /// <summary>Requests logged since <paramref name="mark"/>, formatted for assertion messages.</summary>
    public static string Describe(IEnumerable<AccessLogEntry> entries) => string.Join(", ", entries.Select(e => $"{e.Method} {e.Path} {e.Status}"));
}
