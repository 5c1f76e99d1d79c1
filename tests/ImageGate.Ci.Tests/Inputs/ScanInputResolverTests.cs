using ImageGate.Ci.Inputs;
using ImageGate.Reporting;

namespace ImageGate.Ci.Tests.Inputs;

[TestClass]
public sealed class ScanInputResolverTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> NoFlags = [];

    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.GetValueOrDefault(name);
    }

    private static readonly (string, string)[] Required = [("INPUT_POLICIES", "policies/"), ("INPUT_MANIFESTS", "deploy/")];

    private static ScanInputs Resolve(params (string, string)[] variables) => ScanInputResolver.Resolve(NoFlags, Env([.. Required, .. variables]));

    private static string Error(Func<ScanInputs> resolve) => Assert.ThrowsExactly<ScanInputException>(() => resolve()).Message;

    [TestMethod]
    public void GitHubVariablesKeepHyphensAndDefaultsApply()
    {
        var inputs = Resolve(("INPUT_FAIL-ON", "warn"), ("INPUT_PIN-DIGESTS", "true"), ("INPUT_SARIF", " results.sarif \n"), ("INPUT_CHECK-RUN", "False"));
        Assert.AreEqual(FailOn.Warn, inputs.FailOn);
        Assert.IsTrue(inputs.PinDigests);
        Assert.IsFalse(inputs.CheckRun);
        Assert.IsFalse(inputs.Comment);
        Assert.IsTrue(inputs.ResolveDigests);
        Assert.AreEqual("results.sarif", inputs.SarifPath);
        Assert.AreEqual("table", inputs.Format);
        Assert.AreEqual("admission", inputs.Mode);
        CollectionAssert.AreEqual(new[] { "policies/" }, inputs.Policies.ToArray());
    }

    [TestMethod]
    public void AzureDevOpsCamelCaseVariablesAreAccepted()
    {
        var inputs = Resolve(("INPUT_FAILON", "never"), ("INPUT_PINDIGESTS", "TRUE"), ("INPUT_REGISTRYMIRRORS", "ghcr.io=oci:layout"));
        Assert.AreEqual(FailOn.Never, inputs.FailOn);
        Assert.IsTrue(inputs.PinDigests);
        CollectionAssert.AreEqual(new[] { "ghcr.io=oci:layout" }, inputs.RegistryMirrors.ToArray());
    }

    [TestMethod]
    public void FlagsWinOverVariables()
    {
        var flags = new Dictionary<string, IReadOnlyList<string>> { ["fail-on"] = ["never"], ["manifests"] = ["a.yaml", "b.yaml"] };
        var inputs = ScanInputResolver.Resolve(flags, Env([.. Required, ("INPUT_FAIL-ON", "warn")]));
        Assert.AreEqual(FailOn.Never, inputs.FailOn);
        CollectionAssert.AreEqual(new[] { "a.yaml", "b.yaml" }, inputs.Manifests.ToArray());
    }

    [TestMethod]
    public void ListsSplitOnLinesAndCommasButKeepGlobAlternatives()
    {
        var inputs = ScanInputResolver.Resolve(NoFlags, Env(("INPUT_POLICIES", "policies/\r\n\r\n  more/ \n"), ("INPUT_MANIFESTS", "deploy/**/*.{yaml,yml}, rendered/x.yaml,,\n k/*.json")));
        CollectionAssert.AreEqual(new[] { "policies/", "more/" }, inputs.Policies.ToArray());
        CollectionAssert.AreEqual(new[] { "deploy/**/*.{yaml,yml}", "rendered/x.yaml", "k/*.json" }, inputs.Manifests.ToArray());
    }

    [TestMethod]
    public void EmptyValuesMeanUnset()
    {
        var inputs = Resolve(("INPUT_FAIL-ON", "  "), ("INPUT_SARIF", ""), ("INPUT_COMMENT", ""));
        Assert.AreEqual(FailOn.Deny, inputs.FailOn);
        Assert.IsNull(inputs.SarifPath);
        Assert.IsFalse(inputs.Comment);
    }

    [TestMethod]
    public void BadValuesNameTheInputAndItsSource()
    {
        Assert.AreEqual("input 'fail-on' (INPUT_FAIL-ON) does not accept 'sometimes'; use one of: deny, warn, never",
            Error(() => Resolve(("INPUT_FAIL-ON", "sometimes"))));
        Assert.AreEqual("input 'pin-digests' (INPUT_PIN-DIGESTS) must be true or false, got 'yes'",
            Error(() => Resolve(("INPUT_PIN-DIGESTS", "yes"))));
        StringAssert.Contains(Error(() => Resolve(("INPUT_CREDENTIAL-PROVIDERS", "default,vault"))), "input 'credential-providers' (INPUT_CREDENTIAL-PROVIDERS) does not accept 'vault'");
        StringAssert.Contains(Error(() => Resolve(("INPUT_REGISTRY-MIRRORS", "ghcr.io=/layout"))), "input 'registry-mirrors': 'ghcr.io=/layout'");
        Assert.AreEqual("input 'registry-secrets': 'regcred' is not NAME=FILE", Error(() => Resolve(("INPUT_REGISTRY-SECRETS", "regcred"))));
        StringAssert.Contains(Error(() => Resolve(("INPUT_SARIF", "a\u0007b"))), "input 'sarif' (INPUT_SARIF) contains a control character");
        var flags = new Dictionary<string, IReadOnlyList<string>> { ["fail-on"] = ["deny", "warn"] };
        Assert.AreEqual("input 'fail-on' (--fail-on) is given more than once", Error(() => ScanInputResolver.Resolve(flags, Env(Required))));
    }

    [TestMethod]
    public void PoliciesAndManifestsAreRequired()
    {
        StringAssert.StartsWith(Error(() => ScanInputResolver.Resolve(NoFlags, Env(("INPUT_MANIFESTS", "x")))), "input 'policies' is required");
        StringAssert.StartsWith(Error(() => ScanInputResolver.Resolve(NoFlags, Env(("INPUT_POLICIES", "x")))), "input 'manifests' is required");
    }

    [TestMethod]
    public void TokensAreCollectedForMasking()
    {
        var inputs = Resolve(("INPUT_GITHUB-TOKEN", "ghs_input-SECRET-4a1c"), ("GITHUB_TOKEN", "ghs_env-SECRET-8d2e"), ("INPUT_REGISTRY-PASSWORD", "input-registry-pw-SECRET-3f9b"));
        Assert.AreEqual("ghs_input-SECRET-4a1c", inputs.GitHubToken);
        CollectionAssert.AreEquivalent(new[] { "ghs_input-SECRET-4a1c", "input-registry-pw-SECRET-3f9b" }, inputs.Secrets.ToArray());
        CollectionAssert.AreEquivalent(new[] { "ghs_input-SECRET-4a1c", "input-registry-pw-SECRET-3f9b", "ghs_env-SECRET-8d2e" },
            ScanInputResolver.SecretValues(Env(("INPUT_GITHUB-TOKEN", "ghs_input-SECRET-4a1c"), ("GITHUB_TOKEN", "ghs_env-SECRET-8d2e"), ("INPUT_REGISTRY-PASSWORD", "input-registry-pw-SECRET-3f9b"))).ToArray());
        Assert.AreEqual("ghs_env-SECRET-8d2e", Resolve(("GITHUB_TOKEN", "ghs_env-SECRET-8d2e")).GitHubToken);
        CollectionAssert.AreEquivalent(new[] { "oidc-request-SECRET-77b1", "ado-job-SECRET-5c2e", "aws-key-SECRET-19fa", "aws-session-SECRET-0d3c" },
            ScanInputResolver.SecretValues(Env(("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "oidc-request-SECRET-77b1"), ("SYSTEM_ACCESSTOKEN", "ado-job-SECRET-5c2e"),
                ("AWS_SECRET_ACCESS_KEY", "aws-key-SECRET-19fa"), ("AWS_SESSION_TOKEN", " aws-session-SECRET-0d3c\n"))).ToArray(),
            "the platform's credential variables are masked too");
    }

    [TestMethod]
    public void EveryInputHasTheGitHubVariableName()
    {
        var failOn = ScanInputResolver.Specs.Single(s => s.Name == "fail-on");
        Assert.AreEqual("INPUT_FAIL-ON", failOn.GitHubVariable);
        CollectionAssert.AreEqual(new[] { "INPUT_FAIL_ON", "INPUT_FAILON" }, failOn.AlternateVariables.ToArray());
        Assert.AreEqual(ScanInputResolver.Specs.Count, ScanInputResolver.Specs.Select(s => s.Name).Distinct().Count());
    }

    [TestMethod]
    public void OverlongListsAreRefused()
    {
        var many = string.Join('\n', Enumerable.Range(0, ScanInputResolver.MaxListEntries + 1).Select(i => $"f{i}.yaml"));
        StringAssert.Contains(Error(() => Resolve(("INPUT_EXCLUDE", many))), "input 'exclude' (INPUT_EXCLUDE) has 10001 entries");
    }
}
