using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Policies;
using ImageGate.TestSupport.Sarif;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.Cli.Tests.Hostile;

/// <summary>The secret scan: commands that handle a registry password, at the highest verbosity and on their
/// error paths, record every output; no output recorded by any test of the run may hold a known secret.</summary>
[TestClass]
public sealed class SecretScanTests
{
    private const string User = "ci-scan";
    private static readonly string Password = KnownSecrets.All.Single(s => s.Name == "CLI secret scan registry password").Value;

    [TestMethod]
    public void ScannerFindsASecretInEveryEncodingHttpUses()
    {
        var secret = new KnownSecret("planted", "planted-SECRET-value-0042");
        foreach (var user in new[] { "a", "ab", "abc" })
        {
            var basic = "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret.Value}"));
            Assert.HasCount(1, KnownSecrets.FindIn(basic, [secret]), basic);
        }
        Assert.HasCount(1, KnownSecrets.FindIn("token=" + secret.Value, [secret]));
        var url = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret.Value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.HasCount(1, KnownSecrets.FindIn(url, [secret]));
        Assert.IsEmpty(KnownSecrets.FindIn("planted-SECRET-value-0043 and Basic YTpiOmM=", [secret]));
    }

    [TestMethod]
    public async Task CommandsUsingARegistryPasswordPrintNoSecretOnTheirErrorPaths()
    {
        // A registry that asks for Basic credentials and then refuses them: every path that handles the password runs.
        await using var registry = new LoopbackHttpServer(r => Task.FromResult(
            LoopbackResponse.Text(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"no\"}]}").WithHeader("WWW-Authenticate", "Basic realm=\"scan\"")));
        using var files = new TestFiles("cli-secrets");
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        files.Write("regcred.json", JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [registry.Authority] = new { auth = basic } } }));
        files.Write("policy.yaml", TestPolicies.LinuxImageWithPullSecret("metadata-readable", mutateDigest: false));
        files.Write("pod.yaml", $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: {registry.Authority}/acme/app:1.0\n");
        string[] flags = ["--registry-secret", "regcred=regcred.json", "--insecure-registry", registry.Authority, "--stats"];

        foreach (var format in new[] { "table", "json", "sarif" })
        {
            var run = CliRunner.Run(["--verbosity", "diagnostic", "apply", "policy.yaml", "-r", "pod.yaml", "-o", format, "--explain", .. flags], files.Root);
            Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
            SecretOutputs.Record($"cli apply -o {format} stdout", run.Stdout);
            SecretOutputs.Record($"cli apply -o {format} stderr", run.Stderr);
            StringAssert.Contains(run.Stdout + run.Stderr, registry.Authority, "the error names the registry");
            Assert.IsEmpty(KnownSecrets.FindIn(run.Stdout + run.Stderr), $"-o {format} printed a secret");
            if (format == "sarif") SarifValidator.AssertValidText(run.Stdout);
        }
        Assert.IsTrue(registry.Requests.Any(r => r.Header("Authorization") == "Basic " + basic), "the password was really used");
    }

    [TestMethod]
    public void NoRecordedOutputOfTheRunHoldsAKnownSecret()
    {
        // Outputs of earlier runs are dropped; those of this run (any test process) are scanned.
        foreach (var stale in Directory.EnumerateFiles(SecretOutputs.Folder).Where(f => File.GetLastWriteTimeUtc(f) < DateTime.UtcNow.AddHours(-6)))
        {
            File.Delete(stale);
        }
        var leaks = SecretOutputs.FindLeaks();
        Assert.IsEmpty(leaks, string.Join("\n", leaks.Select(l => $"{l.Source}: {l.Secret}")));
    }
}
