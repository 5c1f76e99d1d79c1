using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;

namespace ImageGate.TestSupport.Soak;

/// <summary>One registry of a soak workload: the Debian registry and the latency proxy whose host the manifests name.</summary>
public sealed class SoakRegistry(RegistryFixture fixture, FaultProxy proxy)
{
    /// <summary>The registry behind the proxy.</summary>
    public RegistryFixture Fixture { get; } = fixture;
    /// <summary>The proxy that delays every request; it sees every request the code under test makes.</summary>
    public FaultProxy Proxy { get; } = proxy;
    /// <summary><c>127.0.0.1:port</c> of the proxy, the registry part of the workload's image references.</summary>
    public string Host => Proxy.Host;
    /// <summary>Requests the proxy has received so far.</summary>
    public int RequestCount => Proxy.Requests.Count;
}

/// <summary>A seeded soak workload: registries behind latency proxies holding distinct images (signed, unsigned or with a
/// tampered signature), a folder of multi-document manifests naming them, and a folder of policies checking them.</summary>
public sealed class SoakWorkload : IAsyncDisposable
{
    private readonly List<SoakRegistry> registries;

    private SoakWorkload(SoakOptions options, string folder, List<SoakRegistry> registries, IReadOnlyList<SoakImage> images, int manifestFiles)
    {
        Options = options;
        Folder = folder;
        this.registries = registries;
        Images = images;
        ManifestFiles = manifestFiles;
    }

    /// <summary>The options it was generated from.</summary>
    public SoakOptions Options { get; }
    /// <summary>The working folder; manifests and policies are relative to it.</summary>
    public string Folder { get; }
    /// <summary>Relative path of the manifests folder.</summary>
    public string ManifestFolder => "manifests";
    /// <summary>Relative path of the policies folder.</summary>
    public string PolicyFolder => "policies";
    /// <summary>Number of manifest files written.</summary>
    public int ManifestFiles { get; }
    /// <summary>The registries in order.</summary>
    public IReadOnlyList<SoakRegistry> Registries => registries;
    /// <summary>The distinct images in generation order.</summary>
    public IReadOnlyList<SoakImage> Images { get; }

    /// <summary>Requests per registry so far, in registry order (take the difference of two calls for one run).</summary>
    public IReadOnlyList<int> RequestCounts() => registries.Select(r => r.RequestCount).ToList();

    /// <summary>Starts the registries and proxies, pushes and signs the images, and writes manifests and policies into
    /// <paramref name="folder"/> (created, and expected empty).</summary>
    public static async Task<SoakWorkload> PrepareAsync(SoakOptions options, string folder, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(folder);
        var random = new Random(options.Seed);
        var started = new List<SoakRegistry>();
        try
        {
            for (var r = 0; r < options.Registries; r++)
            {
                var fixture = await RegistryFixture.StartAsync().ConfigureAwait(false);
                var proxy = new FaultProxy(fixture);
                var latency = options.LatencyMs;
                proxy.Rule = async (_, _) =>
                {
                    await Task.Delay(latency).ConfigureAwait(false);
                    return null;
                };
                started.Add(new SoakRegistry(fixture, proxy));
            }
            log?.WriteLine($"registries: {string.Join(", ", started.Select(r => $"{r.Host} -> {r.Fixture.Host}"))}");

            var signer = await CosignLegacySigner.CreateAsync(Path.Combine(folder, "keys"), "release").ConfigureAwait(false);
            var plans = SoakImagePlan.Create(random, options.Images, options.Registries);
            var images = await PushAllAsync(plans, started, signer).ConfigureAwait(false);
            log?.WriteLine($"images: {images.Count} pushed ({images.Count(i => i.Signature == SoakSignature.Signed)} signed, "
                + $"{images.Count(i => i.Signature == SoakSignature.Unsigned)} unsigned, {images.Count(i => i.Signature == SoakSignature.Tampered)} tampered)");

            var files = SoakManifests.Write(random, Path.Combine(folder, "manifests"), options.Manifests, options.ResourcesPerFile, images);
            SoakPolicies.Write(Path.Combine(folder, "policies"), options.Policies, started.Select(r => r.Host).ToList(), signer.PublicKeyPem);
            log?.WriteLine($"manifests: {options.Manifests} resources in {files} files; policies: {options.Policies}");
            return new SoakWorkload(options, folder, started, images, files);
        }
        catch
        {
            foreach (var registry in started)
            {
                await DisposeRegistryAsync(registry).ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>Stops the proxies and registries.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var registry in registries)
        {
            await DisposeRegistryAsync(registry).ConfigureAwait(false);
        }
        registries.Clear();
    }

    private static async Task DisposeRegistryAsync(SoakRegistry registry)
    {
        await registry.Proxy.DisposeAsync().ConfigureAwait(false);
        await registry.Fixture.DisposeAsync().ConfigureAwait(false);
    }

    // Pushes go straight to the registries (no latency, not counted), eight at a time; openssl runs once per signed image.
    private static async Task<IReadOnlyList<SoakImage>> PushAllAsync(IReadOnlyList<SoakImagePlan> plans, List<SoakRegistry> registries, CosignLegacySigner signer)
    {
        using var gate = new SemaphoreSlim(8);
        var tasks = plans.Select(async plan =>
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                var registry = registries[plan.Registry];
                var pushed = await registry.Fixture.PushImageAsync(plan.Repository, plan.Tag, plan.Config,
                    [(plan.Layer, "application/vnd.oci.image.layer.v1.tar", null)]).ConfigureAwait(false);
                if (plan.Signature != SoakSignature.Unsigned)
                {
                    await signer.SignAsync(registry.Fixture, plan.Repository, pushed, $"{registry.Host}/{plan.Repository}",
                        tamper: plan.Signature == SoakSignature.Tampered).ConfigureAwait(false);
                }
                return new SoakImage(plan.Registry, registry.Host, plan.Repository, plan.Tag, pushed.Digest, plan.Signature, plan.User);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}
