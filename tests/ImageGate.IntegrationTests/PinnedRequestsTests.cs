using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;
using static ImageGate.IntegrationTests.ApplyHarness;

namespace ImageGate.IntegrationTests;

[TestClass]
/// <summary>Pinning a tag to its digest before verification costs no extra request: a legacy keyless
/// signature is still the minimum of 3 (resolve, .sig manifest, blob).</summary>
public sealed class PinnedRequestsTests
{
    [TestMethod]
    public async Task PinnedLegacyKeylessSignatureNeedsThreeRequests()
    {
        await using var registry = await RegistryFixture.StartAsync();
        var work = Path.Combine(RepoPaths.TestWork, "pinned-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var image = await registry.PushImageAsync("demo/app", "1.0", "{}"u8.ToArray(), [("x"u8.ToArray(), "application/vnd.oci.image.layer.v1.tar", null)]);
        var signed = await SigstoreImageFixtures.GenerateAsync(Path.Combine(work, "s"), image.Digest, $"{registry.Host}/demo/app");
        var annotations = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(signed.PathOf("keyless-sig.annotations.json")))!;
        await registry.PushImageAsync("demo/app", image.Digest.Replace(':', '-') + ".sig", "{}"u8.ToArray(), [(File.ReadAllBytes(signed.PathOf("keyless-sig.payload.json")), "application/vnd.dev.cosign.simplesigning.v1+json", annotations)]);
        var policy = $$"""
            apiVersion: policies.kyverno.io/v1
            kind: ImageValidatingPolicy
            metadata:
              name: demo
            spec:
            {{MatchPods}}
              matchImageReferences:
              - glob: "{{registry.Host}}/*"
              credentials:
                allowInsecureRegistry: true
              attestors:
              - name: ci
                cosign:
                  keyless:
                    identities:
                    - issuer: {{signed.Issuer}}
                      subject: {{signed.Subject}}
                  trustedRoot:
                    value: |
            {{Indent(signed.TrustedRootJson, 10)}}
              validations:
              - expression: images.containers.all(i, verifyImageSignatures(i, [attestors.ci]) > 0)
            """;
        var run = await ApplyAsync(registry, work, policy, $"{registry.Host}/demo/app:1.0");
        Assert.AreEqual("pass", run.Results[0].GetProperty("result").GetString(), run.Results[0].ToString());
        Assert.HasCount(3, run.Requests, Describe(run.Requests));
    }
}
