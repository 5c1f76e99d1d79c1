using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Policies;
using ImageGate.TestSupport.Sarif;

namespace ImageGate.Cli.Tests;

/// <summary><c>apply -o sarif</c> end to end: the file the CLI writes passes the SARIF Multitool with GitHub's rules.</summary>
[TestClass]
public sealed class SarifOutputTests
{
    private static readonly string Policies =
        TestPolicies.PodPolicy("ghcr-only", TestPolicies.GhcrOnlyExpression, TestPolicies.GhcrOnlyMessage, annotations: new Dictionary<string, string>
        {
            ["policies.kyverno.io/severity"] = "high",
            ["policies.kyverno.io/description"] = "Images must come from ghcr.io.",
        })
        + "\n---\n"
        + TestPolicies.PodPolicy("digests-only", "true", action: "Warn", verifyDigest: true);

    private static readonly string Pods = TestManifests.Pods("a", ("ok", "ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), ("nope", "docker.io/library/nginx:1.27"));

    [TestMethod]
    public void ApplyWritesSarifThatPassesTheMultitoolWithARulePerCheck()
    {
        using var files = new TestFiles("cli-sarif");
        files.Write("policies.yaml", Policies);
        files.Write("pods.yaml", Pods);
        var run = CliRunner.Run(["apply", "policies.yaml", "-r", "pods.yaml", "-o", "sarif", "--output", "report.sarif", "--no-resolve-digests"], files.Root);
        Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
        var path = Path.Combine(files.Root, "report.sarif");
        SarifValidator.AssertValid(path);

        using var sarif = JsonDocument.Parse(File.ReadAllText(path));
        var sarifRun = sarif.RootElement.GetProperty("runs")[0];
        var rules = sarifRun.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .Select(r => r.GetProperty("id").GetString()).ToList();
        CollectionAssert.Contains(rules, "IVPOL/ghcr-only/validation-0");
        CollectionAssert.Contains(rules, "IVPOL/digests-only/verify-digest");
        var denied = sarifRun.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "IVPOL/ghcr-only/validation-0");
        Assert.AreEqual("error", denied.GetProperty("level").GetString());
        var location = denied.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("pods.yaml", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual(15, location.GetProperty("region").GetProperty("startLine").GetInt32(), "the image's line");
    }
}
