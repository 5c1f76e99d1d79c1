using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Policies;
using ImageGate.TestSupport.Sarif;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;

namespace ImageGate.IntegrationTests.Scan;

/// <summary><c>imagegate scan</c> run the way GitHub runs the action — workspace, pull_request event, environment files,
/// <c>INPUT_*</c> — against images in a real loopback registry signed with openssl in cosign's tag layout. Asserts the
/// exact workflow commands, the step outputs and summary, digest pinning in place, and the exit code for each fail-on.</summary>
[TestClass]
public sealed class ScanOnGitHubTests
{
    private static RegistryFixture registry = null!;
    private static string keys = "";
    private static string trustedKey = "";
    private static string signed = "", otherKey = "", tampered = "";
    private static string signedDigest = "", otherDigest = "", tamperedDigest = "";

    [ClassInitialize]
    public static async Task Setup(TestContext _)
    {
        registry = await RegistryFixture.StartAsync();
        keys = Path.Combine(RepoPaths.TestWork, "scan-keys-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(keys);
        var trusted = await CosignLegacySigner.CreateAsync(keys, "trusted");
        var other = await CosignLegacySigner.CreateAsync(keys, "other");
        trustedKey = trusted.PublicKeyPem;
        (signed, signedDigest) = await CosignKeySigning.PushAsync(registry, "shop/web", trusted);
        (otherKey, otherDigest) = await CosignKeySigning.PushAsync(registry, "shop/api", other);
        (tampered, tamperedDigest) = await CosignKeySigning.PushAsync(registry, "shop/worker", trusted, tamper: true);
    }

    [ClassCleanup]
    public static async Task Cleanup()
    {
        await registry.DisposeAsync();
        Directory.Delete(keys, recursive: true);
    }

    private static string SignedPolicy => CosignKeySigning.ReleaseSignedPolicy(registry.Host, trustedKey);

    private static readonly string TagPolicy = $$"""
        apiVersion: policies.kyverno.io/v1
        kind: ImageValidatingPolicy
        metadata:
          name: no-1-0-tags
        spec:
          validationActions: [Warn]
        {{ApplyHarness.MatchPods}}
          validationConfigurations: {verifyDigest: false, required: false}
          attestors: []
          validations:
          - expression: "images.containers.all(i, !i.contains(':1.0'))"
            message: tag 1.0 is deprecated
        """;

    private static string Pod(string name, string image, bool quoted = false) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: shop
        spec:
          containers:
          - name: app
            image: {(quoted ? $"\"{image}\"" : image)}   # release image

        """;

    private static GitHubStep NewStep(bool withWarnPolicy)
    {
        var step = new GitHubStep();
        step.Write("policies/release-signed.yaml", SignedPolicy);
        if (withWarnPolicy)
        {
            step.Write("policies/no-1-0-tags.yaml", TagPolicy);
        }
        step.Environment["INPUT_INSECURE-REGISTRIES"] = registry.Host;
        return step;
    }

    /// <summary>The workflow commands the runner acts on: the lines starting with <c>::</c> outside the
    /// <c>::stop-commands::TOKEN</c> … <c>::TOKEN::</c> region that must wrap the human report.</summary>
    private static string[] Commands(string stdout)
    {
        var lines = stdout.Split('\n');
        var stop = Array.FindIndex(lines, l => l.StartsWith("::stop-commands::", StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, stop, "the report is wrapped in stop-commands: " + stdout);
        var token = lines[stop]["::stop-commands::".Length..];
        StringAssert.Matches(token, new System.Text.RegularExpressions.Regex("^imagegate-[0-9a-f]{32}$"));
        var resume = Array.IndexOf(lines, $"::{token}::", stop + 1);
        Assert.IsGreaterThan(stop, resume, "commands resume after the report");
        Assert.IsFalse(lines.Skip(stop + 1).Take(resume - stop - 1).Any(l => l.Contains(token, StringComparison.Ordinal)), "the token is not echoed inside the region");
        return [.. lines.Take(stop).Concat(lines.Skip(resume + 1)).Where(l => l.StartsWith("::", StringComparison.Ordinal))];
    }

    [TestMethod]
    [DataRow("deny", 0, "pass")]
    [DataRow("warn", 1, "fail")]
    [DataRow("never", 0, "pass")]
    public void SignedImagePassesAndIsPinnedInPlace(string failOn, int code, string result)
    {
        using var step = NewStep(withWarnPolicy: true);
        var manifest = Pod("web", signed) + "---\n# a comment that stays\n" + Pod("web-quoted", signed, quoted: true).Replace("name: app", "name: \"app\"", StringComparison.Ordinal);
        step.Write("deploy/web.yaml", manifest);
        step.Environment["INPUT_FAIL-ON"] = failOn;
        step.Environment["INPUT_PIN-DIGESTS"] = "true";
        step.Environment["INPUT_SARIF"] = "results/imagegate.sarif";

        var (exit, stdout, stderr) = step.Run();
        Assert.AreEqual(code, exit, stdout + stderr);
        var pinned = $"{signed}@{signedDigest}";
        var warning = $"::warning file=deploy/web.yaml,line=9,endLine=9,col=12,endColumn={12 + signed.Length},title=ImageGate%3A no-1-0-tags (fail)::shop/Pod/web image {signed}: tag 1.0 is deprecated%0ASuggested: pin {signed} to {pinned}";
        var warningQuoted = $"::warning file=deploy/web.yaml,line=20,endLine=20,col=12,endColumn={14 + signed.Length},title=ImageGate%3A no-1-0-tags (fail)::shop/Pod/web-quoted image {signed}: tag 1.0 is deprecated%0ASuggested: pin {signed} to {pinned}";
        CollectionAssert.AreEqual(new[]
        {
            $"::add-mask::{GitHubStep.Token}",
            warning,
            warningQuoted,
            "::notice title=ImageGate::pin-digests: pinned 2 image(s) to their digests in deploy/web.yaml",
        }, Commands(stdout), stdout);

        // Only the two image scalars changed, quotes and comments kept.
        Assert.AreEqual(manifest.Replace(signed, pinned, StringComparison.Ordinal), step.Read("deploy/web.yaml"));

        var outputs = step.Outputs();
        Assert.AreEqual(result, outputs["result"]);
        Assert.AreEqual("2", outputs["pass"]);
        Assert.AreEqual("2", outputs["fail"]);
        Assert.AreEqual(failOn == "warn" ? "2" : "0", outputs["blocking"]);
        Assert.AreEqual("results/imagegate.sarif", outputs["sarif"]);
        Assert.AreEqual($"{signed}={pinned}", outputs["pinned-images"]);
        Assert.AreEqual("deploy/web.yaml", outputs["pinned-files"]);
        Assert.IsTrue(File.Exists(Path.Combine(step.Workspace, "results", "imagegate.sarif")));
        SarifValidator.AssertValid(Path.Combine(step.Workspace, "results", "imagegate.sarif"));

        var summary = step.Summary;
        StringAssert.StartsWith(summary, failOn == "warn" ? "## ImageGate: ❌ 2 blocking finding(s)\n" : "## ImageGate: ✅ no blocking findings\n");
        StringAssert.Contains(summary, $"| fail | Warn | `no-1-0-tags` | `{signed}` | [`deploy/web.yaml:9`](https://github.com/acme/shop/blob/{GitHubStep.HeadSha}/deploy/web.yaml#L9) | tag 1.0 is deprecated |");
        Assert.DoesNotContain(GitHubStep.Token, stderr + summary);
    }

    [TestMethod]
    [DataRow("deny", 1, "fail")]
    [DataRow("warn", 1, "fail")]
    [DataRow("never", 0, "pass")]
    public void WrongKeyAndTamperedSignaturesFailAtTheManifestLine(string failOn, int code, string result)
    {
        using var step = NewStep(withWarnPolicy: false);
        var manifest = Pod("api", otherKey) + "---\n" + Pod("worker", tampered) + "---\n" + Pod("web", signed);
        step.Write("deploy/apps.yaml", manifest);
        step.Environment["INPUT_FAIL-ON"] = failOn;
        step.Environment["INPUT_EXPLAIN"] = "true";
        step.Environment["INPUT_PIN-DIGESTS"] = "true";

        var (exit, stdout, stderr) = step.Run();
        Assert.AreEqual(code, exit, stdout + stderr);
        var commands = Commands(stdout);
        Assert.AreEqual($"::add-mask::{GitHubStep.Token}", commands[0]);
        var errors = commands.Where(c => c.StartsWith("::error ", StringComparison.Ordinal)).ToArray();
        Assert.HasCount(2, errors, stdout);
        const string Mismatch = "no signature verified: signature 1: signature mismatch: the ECDSA P-256 signature does not verify with the given key and hash SHA256";
        string Error(int line, string pod, string image, string digest) =>
            $"::error file=deploy/apps.yaml,line={line},endLine={line},col=12,endColumn={12 + image.Length},title=ImageGate%3A release-signed (fail)::shop/Pod/{pod} image {image}: "
            + $"images must be signed with the release key%0ASuggested: pin {image} to {image}@{digest}%0A{image}@{digest}: attestor release: {Mismatch}";
        CollectionAssert.AreEqual(new[] { Error(9, "api", otherKey, otherDigest), Error(19, "worker", tampered, tamperedDigest) }, errors);
        // --explain in the table too: every attestor tried for each failing image.
        StringAssert.Contains(stdout, $"    {otherKey}@{otherDigest}: attestor release: {Mismatch}\n");
        StringAssert.Contains(stdout, $"    {tampered}@{tamperedDigest}: attestor release: {Mismatch}\n");
        CollectionAssert.AreEqual(new[] { $"::add-mask::{GitHubStep.Token}", errors[0], errors[1], "::notice title=ImageGate::pin-digests: pinned 1 image(s) to their digests in deploy/apps.yaml" },
            commands, "the mask, the two errors and the pin notice, nothing else: " + stdout);

        // Failing images are not written into the manifests; the passing one is, and all are suggested.
        Assert.AreEqual(manifest.Replace(signed, $"{signed}@{signedDigest}", StringComparison.Ordinal), step.Read("deploy/apps.yaml"));
        var outputs = step.Outputs();
        Assert.AreEqual(result, outputs["result"]);
        Assert.AreEqual("1", outputs["pass"]);
        Assert.AreEqual("2", outputs["fail"]);
        Assert.AreEqual(failOn == "never" ? "0" : "2", outputs["blocking"]);
        CollectionAssert.AreEquivalent(new[] { $"{otherKey}={otherKey}@{otherDigest}", $"{tampered}={tampered}@{tamperedDigest}", $"{signed}={signed}@{signedDigest}" },
            outputs["pinned-images"].Split('\n'));
        Assert.AreEqual("deploy/apps.yaml", outputs["pinned-files"]);

        var summary = step.Summary;
        StringAssert.Contains(summary, "| 1 | 2 | 0 | 0 | 0 |");
        StringAssert.Contains(summary, $"| fail | Deny | `release-signed` | `{otherKey}` | [`deploy/apps.yaml:9`](https://github.com/acme/shop/blob/{GitHubStep.HeadSha}/deploy/apps.yaml#L9) | images must be signed with the release key", summary);
        StringAssert.Contains(summary, $"| fail | Deny | `release-signed` | `{tampered}` | [`deploy/apps.yaml:19`](https://github.com/acme/shop/blob/{GitHubStep.HeadSha}/deploy/apps.yaml#L19) | images must be signed with the release key", summary);
        StringAssert.Contains(summary, "signature mismatch", "--explain reasons reach the summary too");
        StringAssert.Contains(summary, "### Suggested digest pins");
    }

    [TestMethod]
    public async Task ARegistryPasswordIsMaskedBeforeUse()
    {
        const string password = "reg-Pa55-masked-0042";
        await using var secure = await RegistryFixture.StartAsync(new RegistryFixtureOptions
        {
            Auth = RegistryAuthMode.Basic,
            Tls = true,
            Users = new Dictionary<string, string> { ["robot"] = password },
        });
        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() } });
        await secure.PushImageAsync("shop/web", "1.0", config, [(Encoding.UTF8.GetBytes("layer"), "application/vnd.oci.image.layer.v1.tar", null)]);
        using var step = new GitHubStep();
        step.Write("policies/linux.yaml", TestPolicies.LinuxImageWithPullSecret("linux-only"));
        step.Write("deploy/web.yaml", Pod("web", $"{secure.Host}/shop/web:1.0"));
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("robot:" + password));
        step.Write("secrets/regcred.json", JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [secure.Host] = new { auth } } }));
        step.Environment["INPUT_REGISTRY-SECRETS"] = "regcred=secrets/regcred.json";
        step.Environment["INPUT_CA-FILE"] = secure.CaCertificatePath!;
        step.Environment["INPUT_VERBOSITY"] = "diagnostic";
        var (exit, stdout, stderr) = step.Run();
        Assert.AreEqual(0, exit, stdout + stderr);
        CollectionAssert.AreEqual(new[] { $"::add-mask::{GitHubStep.Token}", $"::add-mask::{password}", $"::add-mask::{auth}" }, Commands(stdout), stdout);
        Assert.AreEqual(1, stdout.Split(password).Length - 1, "the password appears only in its mask command");
        Assert.DoesNotContain(password, stderr);
        Assert.AreEqual("pass", step.Outputs()["result"]);
    }
}
