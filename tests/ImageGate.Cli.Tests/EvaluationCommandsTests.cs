using System.Text.Json;
using System.Xml.Linq;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Policies;

namespace ImageGate.Cli.Tests;

/// <summary><c>apply</c> and <c>test</c> end to end, in process, on files written by the tests and on the
/// bundled Kyverno test suite.</summary>
[TestClass]
public sealed class EvaluationCommandsTests
{
    private static string Suite => RepoPaths.Combine("examples", "kyverno-test");

    private static string NewFolder()
    {
        var dir = Path.Combine(RepoPaths.TestWork, "cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static readonly string Policy = TestPolicies.GhcrOnly;

    private static readonly string Pods = TestManifests.Pods("a", ("ok", "ghcr.io/acme/app:1"), ("nope", "docker.io/library/nginx:1.27"));

    [TestMethod]
    public void BundledKyvernoSuitePasses()
    {
        var run = CliRunner.Run(["test", Suite]);
        Assert.AreEqual(0, run.ExitCode, run.Stdout + run.Stderr);
        StringAssert.Contains(run.Stdout, "Test Summary: 4 tests passed and 0 tests failed");
    }

    [TestMethod]
    public void MismatchFailsWithReasonAndWellFormedJUnit()
    {
        var dir = NewFolder();
        foreach (var file in Directory.GetFiles(Path.Combine(Suite, "registry-allowlist")))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }
        var test = Path.Combine(dir, "kyverno-test.yaml");
        File.WriteAllText(test, File.ReadAllText(test).Replace("resources: [good]\n  result: pass", "resources: [good]\n  result: fail"));
        var junit = Path.Combine(dir, "junit.xml");
        var run = CliRunner.Run(["test", dir, "--junit", junit]);
        Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
        StringAssert.Contains(run.Stdout, "Want fail, got pass");
        StringAssert.Contains(run.Stdout, "3 tests passed and 1 tests failed");
        var xml = XDocument.Load(junit);
        Assert.AreEqual(1, xml.Descendants("failure").Count());
    }

    [TestMethod]
    public void ResultForUnmatchedResourceSaysThePolicyDoesNotApply()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), Policy);
        File.WriteAllText(Path.Combine(dir, "resources.yaml"), Pods + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: a}\n");
        File.WriteAllText(Path.Combine(dir, "kyverno-test.yaml"), """
            apiVersion: cli.kyverno.io/v1alpha1
            kind: Test
            metadata: {name: t}
            policies: [policy.yaml]
            resources: [resources.yaml]
            results:
            - policy: ghcr-only
              kind: ConfigMap
              resources: [cfg]
              result: pass
            """);
        var run = CliRunner.Run(["test", dir, "--detailed-results"]);
        Assert.AreEqual(1, run.ExitCode);
        StringAssert.Contains(run.Stdout, "Not found");
        StringAssert.Contains(run.Stdout, "does not apply");
    }

    [TestMethod]
    public void ApplyDenyFailureExitsOneAndNamesPolicyImageAndLine()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), Policy);
        File.WriteAllText(Path.Combine(dir, "pods.yaml"), Pods);
        var run = CliRunner.Run(["apply", "policy.yaml", "-r", "pods.yaml", "-o", "json"], dir);
        Assert.AreEqual(1, run.ExitCode, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.HasCount(2, results);
        Assert.AreEqual("pass", results[0].GetProperty("result").GetString());
        var fail = results[1];
        Assert.AreEqual("fail", fail.GetProperty("result").GetString());
        Assert.AreEqual("ghcr-only", fail.GetProperty("policy").GetString());
        Assert.AreEqual("images must come from ghcr.io", fail.GetProperty("message").GetString());
        Assert.IsTrue(fail.GetProperty("blocking").GetBoolean());
        Assert.AreEqual("pods.yaml", fail.GetProperty("resource").GetProperty("file").GetString());
        Assert.AreEqual(9, fail.GetProperty("resource").GetProperty("line").GetInt32());
        Assert.AreEqual(1, json.RootElement.GetProperty("summary").GetProperty("fail").GetInt32());
    }

    [TestMethod]
    public void WarnOnlyFailureDoesNotBlock()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), Policy.Replace("  attestors: []", "  validationActions: [Warn]\n  attestors: []"));
        File.WriteAllText(Path.Combine(dir, "pods.yaml"), Pods);
        var run = CliRunner.Run(["apply", "policy.yaml", "-r", "pods.yaml"], dir);
        Assert.AreEqual(0, run.ExitCode, run.Stdout + run.Stderr);
        StringAssert.Contains(run.Stdout, "fail: 1");
        var strict = CliRunner.Run(["apply", "policy.yaml", "-r", "pods.yaml", "--fail-on", "warn"], dir);
        Assert.AreEqual(1, strict.ExitCode);
    }

    [TestMethod]
    public void PolicyThatDoesNotCompileIsAnErrorNamingTheColumn()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), Policy.Replace("i.startsWith('ghcr.io/')", "i.startsWith('ghcr.io/') &&"));
        File.WriteAllText(Path.Combine(dir, "pods.yaml"), Pods);
        var run = CliRunner.Run(["apply", "policy.yaml", "-r", "pods.yaml", "-o", "json"], dir);
        Assert.AreEqual(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var first = json.RootElement.GetProperty("results")[0];
        Assert.AreEqual("error", first.GetProperty("result").GetString());
        StringAssert.Contains(first.GetProperty("message").GetString(), "spec.validations[0].expression");
        StringAssert.Matches(first.GetProperty("message").GetString()!, new System.Text.RegularExpressions.Regex(@"policy\.yaml:15:70: "));
    }

    [TestMethod]
    public void ResourceWithoutKindIsAnInputErrorWithItsLine()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), Policy);
        File.WriteAllText(Path.Combine(dir, "pods.yaml"), Pods + "\n---\nmetadata: {name: x}\nspec: {}\n");
        var run = CliRunner.Run(["apply", "policy.yaml", "-r", "pods.yaml"], dir);
        Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
        StringAssert.Contains(run.Stderr, "pods.yaml:17");
        StringAssert.Contains(run.Stderr, "not a Kubernetes object");
        StringAssert.Contains(run.Stdout, "fail: 1");
    }

    [TestMethod]
    public void InvalidPolicyExitsTwoWithFieldPath()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), Policy.Replace("failurePolicy", "x").Replace("  attestors: []", "  attestors: []\n  failurePolicy: Sometimes"));
        File.WriteAllText(Path.Combine(dir, "pods.yaml"), Pods);
        var run = CliRunner.Run(["apply", "policy.yaml", "-r", "pods.yaml"], dir);
        Assert.AreEqual(2, run.ExitCode, run.Stdout + run.Stderr);
        StringAssert.Contains(run.Stderr, "policy.yaml:14");
        StringAssert.Contains(run.Stderr, "spec.failurePolicy");
    }

    [TestMethod]
    public void CelEvalPrintsJsonOrTheErrorWithACaret()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "pod.yaml"), Pods.Split("---")[0]);
        var ok = CliRunner.Run(["cel", "eval", "--expr", "object.spec.containers.map(c, parseImageReference(c.image).registry())", "--object", "pod.yaml"], dir);
        Assert.AreEqual(0, ok.ExitCode, ok.Stderr);
        CollectionAssert.AreEqual(new[] { "ghcr.io" }, JsonSerializer.Deserialize<string[]>(ok.Stdout));

        var syntax = CliRunner.Run(["cel", "eval", "--expr", "1 + "], dir);
        Assert.AreEqual(2, syntax.ExitCode);
        StringAssert.Contains(syntax.Stderr, "<input>:1:5");
        StringAssert.Contains(syntax.Stderr, "....^");

        var runtime = CliRunner.Run(["cel", "eval", "--expr", "1 / 0"], dir);
        Assert.AreEqual(1, runtime.ExitCode);
        StringAssert.Contains(runtime.Stderr, "division by zero");
    }

    [TestMethod]
    public void ValidateAcceptsTheExamplesAndRejectsInvalidPolicies()
    {
        var ok = CliRunner.Run(["validate", "examples/policies/current", "examples/policies/seed-era"]);
        Assert.AreEqual(0, ok.ExitCode, ok.Stderr);
        StringAssert.Contains(ok.Stdout, "0 errors");
        var bad = CliRunner.Run(["validate", "tests/fixtures/policies/invalid/unknown-field.yaml"]);
        Assert.AreEqual(2, bad.ExitCode);
        StringAssert.Contains(bad.Stderr, "tests/fixtures/policies/invalid/unknown-field.yaml:17:7");
        StringAssert.Contains(bad.Stderr, "spec.attestors[0].cosign.keyy");
    }

    [TestMethod]
    public void CrdsMakeCustomKindsMatchableWithTheirImages()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), """
            apiVersion: policies.kyverno.io/v1
            kind: ImageValidatingPolicy
            metadata:
              name: octopus-images
            spec:
              matchConstraints:
                resourceRules:
                - apiGroups: [sea.example.com]
                  apiVersions: [v1]
                  operations: [CREATE]
                  resources: [octopi]
              images:
              - name: arms
                expression: "object.spec.arms.map(a, a.image)"
              validationConfigurations: {verifyDigest: false, mutateDigest: false, required: false}
              attestors: []
              validations:
              - expression: "images.arms.all(i, i.startsWith('ghcr.io/'))"
                message: arms must come from ghcr.io
            """);
        File.WriteAllText(Path.Combine(dir, "crd.yaml"), """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: octopi.sea.example.com}
            spec:
              group: sea.example.com
              names: {kind: Octopus, plural: octopi}
              scope: Namespaced
              versions:
              - {name: v1, served: true, storage: true}
            """);
        File.WriteAllText(Path.Combine(dir, "octopus.yaml"), """
            apiVersion: sea.example.com/v1
            kind: Octopus
            metadata: {name: paul, namespace: sea}
            spec:
              arms:
              - image: ghcr.io/acme/arm:1
              - image: docker.io/library/arm:2
            """);
        var without = CliRunner.Run(["apply", "policy.yaml", "-r", "octopus.yaml", "-o", "json"], dir);
        Assert.AreEqual(0, without.ExitCode, without.Stderr);
        StringAssert.Contains(without.Stdout, "\"results\": []");
        var with = CliRunner.Run(["apply", "policy.yaml", "-r", "octopus.yaml", "--crd", "crd.yaml", "-o", "json"], dir);
        Assert.AreEqual(1, with.ExitCode, with.Stdout + with.Stderr);
        StringAssert.Contains(with.Stdout, "arms must come from ghcr.io");
    }

    [TestMethod]
    public void TestSuiteGlobalContextEntriesAnswerGlobalContextGet()
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), Policy.Replace(
            "images.containers.all(i, i.startsWith('ghcr.io/'))",
            "images.containers.all(i, globalContext.get('registries').exists(r, i.startsWith(r + '/')))"));
        File.WriteAllText(Path.Combine(dir, "resources.yaml"), Pods);
        File.WriteAllText(Path.Combine(dir, "kyverno-test.yaml"), """
            apiVersion: cli.kyverno.io/v1alpha1
            kind: Test
            metadata: {name: t}
            policies: [policy.yaml]
            resources: [resources.yaml]
            globalContextEntries:
            - name: registries
              data: [ghcr.io, quay.io]
            results:
            - {policy: ghcr-only, kind: Pod, resources: [ok], result: pass}
            - {policy: ghcr-only, kind: Pod, resources: [nope], result: fail}
            """);
        var run = CliRunner.Run(["test", dir]);
        Assert.AreEqual(0, run.ExitCode, run.Stdout + run.Stderr);
        StringAssert.Contains(run.Stdout, "2 tests passed and 0 tests failed");
    }
}
