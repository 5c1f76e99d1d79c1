using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Policies;
using ImageGate.TestSupport.Registry;

namespace ImageGate.IntegrationTests;

/// <summary>Every evaluating command, at the highest verbosity, against a registry that needs a password
/// (Basic over TLS and Bearer tokens): the run authenticates, and neither the password nor its encodings
/// appear in any output.</summary>
[TestClass]
public sealed class SecretHygieneTests
{
    private const string User = "ci-robot";
    private const string Password = "Pa55-very-secret-Zq9";

    [TestMethod]
    [DataRow(RegistryAuthMode.Basic)]
    [DataRow(RegistryAuthMode.Token)]
    public async Task NoSecretInAnyOutput(RegistryAuthMode mode)
    {
        await using var registry = await RegistryFixture.StartAsync(new RegistryFixtureOptions
        {
            Auth = mode,
            Tls = true,
            Users = new Dictionary<string, string> { [User] = Password },
        });
        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() } });
        await registry.PushImageAsync("acme/app", "1.0", config, [(Encoding.UTF8.GetBytes("layer"), "application/vnd.oci.image.layer.v1.tar", null)]);

        var dir = Path.Combine(RepoPaths.TestWork, "secrets-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        File.WriteAllText(Path.Combine(dir, "regcred.json"), JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [registry.Host] = new { auth = basic } } }));
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), TestPolicies.LinuxImageWithPullSecret("metadata-readable"));
        File.WriteAllText(Path.Combine(dir, "pod.yaml"), $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: {registry.Host}/acme/app:1.0\n");
        File.WriteAllText(Path.Combine(dir, "kyverno-test.yaml"), "apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: [policy.yaml]\nresources: [pod.yaml]\nresults:\n- policy: metadata-readable\n  kind: Pod\n  resources: [app]\n  result: pass\n");

        // The loopback token server speaks plain HTTP, which only an insecure-allowed registry may use.
        string[] registryFlags = ["--registry-secret", "regcred=regcred.json", "--ca-file", registry.CaCertificatePath!, "--stats",
            .. mode == RegistryAuthMode.Token ? new[] { "--insecure-registry", registry.Host } : []];
        var runs = new List<(string[] Args, int Expected)>
        {
            (["--verbosity", "diagnostic", "apply", "policy.yaml", "-r", "pod.yaml", .. registryFlags], 0),
            (["--verbosity", "diagnostic", "apply", "policy.yaml", "-r", "pod.yaml", "-o", "json", "--explain", .. registryFlags], 0),
            (["--verbosity", "diagnostic", "test", ".", .. registryFlags], 0),
            (["--verbosity", "diagnostic", "images", "pod.yaml"], 0),
            (["--verbosity", "diagnostic", "validate", "policy.yaml"], 0),
        };
        foreach (var (args, expected) in runs)
        {
            var (code, stdout, stderr) = CliInProcess.Run(args, dir, args[2]);
            var output = stdout + "\n" + stderr;
            Assert.AreEqual(expected, code, $"{string.Join(' ', args)}\n{output}");
            foreach (var secret in new[] { Password, basic, Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)) })
            {
                Assert.IsFalse(output.Contains(secret, StringComparison.Ordinal), $"'{string.Join(' ', args)}' printed a secret");
            }
        }
    }
}
