using ImageGate.Oci.Client;
using ImageGate.Oci.References;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Integration;

/// <summary>A registry allowed to be insecure is tried over HTTPS first, then over plain HTTP. When several first
/// requests are in flight at once (parallel evaluation), every one of them must fall back, not only the first to fail:
/// otherwise the others end as TLS errors and the result depends on timing.</summary>
[TestClass]
public sealed class InsecureFallbackTests
{
    private const int Images = 8;

    [TestMethod]
    public async Task ConcurrentFirstRequestsAllFallBackToPlainHttp()
    {
        await using var registry = await RegistryFixture.StartAsync();
        var references = new List<ImageReference>();
        for (var i = 0; i < Images; i++)
        {
            await registry.PushImageAsync($"race/app-{i}", "1.0", "{}"u8.ToArray(), [(new[] { (byte)i }, "application/vnd.oci.image.layer.v1.tar", null)]);
            references.Add(ImageReference.Parse($"{registry.Host}/race/app-{i}:1.0"));
        }
        for (var round = 0; round < 5; round++)
        {
            using var client = new RegistryClient(new RegistryClientOptions { AllowInsecureRegistries = true, MaxAttempts = 1 });
            var outcomes = await Task.WhenAll(references.Select(async reference =>
            {
                await Task.Yield();
                try
                {
                    return (await client.ResolveAsync(reference)).Digest;
                }
                catch (Exception e)
                {
                    return "failed: " + e.Message;
                }
            }));
            var failures = outcomes.Where(o => o.StartsWith("failed:", StringComparison.Ordinal)).ToList();
            Assert.IsEmpty(failures, $"round {round}: {string.Join("; ", failures)}");
            Assert.IsTrue(outcomes.All(o => o.StartsWith("sha256:", StringComparison.Ordinal)), string.Join(", ", outcomes));
        }
    }
}
