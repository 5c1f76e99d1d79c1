using ImageGate.Policies.Validation;

namespace ImageGate.Policies.Tests;

/// <summary>Accepted but ineffective or suspicious settings give warnings, never errors; the policy still loads.</summary>
[TestClass]
public sealed class WarningTests
{
    [TestMethod]
    [DataRow("validations:\n- expression: \"true\"\n  reason: Forbidden", "spec.validations[0].reason", "reason is ignored")]
    [DataRow("attestors:\n- name: a\n  cosign:\n    keyless:\n      identities: [{issuer: i, subject: s}]\n      additionalExtensions: {githubWorkflowTrigger: push}", "spec.attestors[0].cosign.keyless.additionalExtensions", "additionalExtensions is ignored")]
    [DataRow("validationActions: [Deny, Warn]", "spec.validationActions", "Deny and Warn")]
    [DataRow("attestors:\n- name: a\n  cosign: {ctlog: {url: x}}", "spec.attestors[0].cosign", "no key, keyless or certificate")]
    [DataRow("attestors:\n- name: a\n  cosign: {key: {data: PEM, kms: 'awskms:///k'}}", "spec.attestors[0].cosign.key", "more than one")]
    [DataRow("attestors:\n- name: a\n  notary: {tsaCerts: {value: PEM}}", "spec.attestors[0].notary", "no certs")]
    [DataRow("attestors:\n- name: a\n  cosign: {keyless: {identities: []}}", "spec.attestors[0].cosign.keyless.identities", "no identities")]
    [DataRow("attestors:\n- name: a\n  cosign: {keyless: {identities: [{}]}}", "spec.attestors[0].cosign.keyless.identities[0]", "no issuer or subject")]
    [DataRow("attestations:\n- name: a", "spec.attestations[0]", "neither intoto nor referrer")]
    [DataRow("webhookConfiguration: {timeoutSeconds: 45}", "spec.webhookConfiguration.timeoutSeconds", "outside 1..30")]
    [DataRow("variables:\n- {name: a, expression: '1'}\n- {name: a, expression: '2'}", "spec.variables[1]", "duplicate variable")]
    [DataRow("attestors:\n- {name: a, notary: {certs: {value: PEM}}}\n- {name: a, notary: {certs: {value: PEM}}}", "spec.attestors[1]", "duplicate attestor")]
    [DataRow("variables:\n- {name: my-var, expression: '1'}", "spec.variables[0].name", "not a CEL identifier")]
    [DataRow("autogen: {podControllers: {controllers: [pods]}}", "spec.autogen.podControllers.controllers[0]", "unknown pod controller")]
    public void SuspiciousSettingsWarn(string extra, string path, string message)
    {
        foreach (var version in new[] { "v1alpha1", "v1" })
        {
            var result = TestYaml.Load(TestYaml.PodPolicy(extra, version));

            Assert.IsFalse(result.HasErrors, string.Join("\n", result.Errors));
            Assert.HasCount(1, result.Policies);
            var warning = result.Warnings.Single();
            Assert.AreEqual(path, warning.Path, warning.ToString());
            StringAssert.Contains(warning.Message, message);
            StringAssert.Contains(warning.ToString(), ": warning: ");
        }
    }

    [TestMethod]
    public void MatchPolicyEquivalentWarnsAndExactDoesNot()
    {
        var rules = "resourceRules: [{apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods]}]";
        var equivalent = TestYaml.Load(TestYaml.Policy($"matchConstraints:\n  matchPolicy: Equivalent\n  {rules}\nattestors: []\nvalidations: []"));
        var warning = equivalent.Warnings.Single();
        Assert.AreEqual("spec.matchConstraints.matchPolicy", warning.Path);
        Assert.AreEqual(DiagnosticCodes.Ignored, warning.Code);

        var exact = TestYaml.Load(TestYaml.Policy($"matchConstraints:\n  matchPolicy: Exact\n  {rules}\nattestors: []\nvalidations: []"));
        Assert.IsEmpty(exact.Diagnostics);
    }

    [TestMethod]
    public void NamespacedPoliciesUsingGlobalContextOrHttpWarn()
    {
        var result = TestYaml.Load(TestYaml.PodPolicy("""
            variables:
            - {name: allowed, expression: "globalContext.Get('allowed-registries', '')"}
            - {name: remote, expression: "http.Get('https://example.com/allow.json')"}
            validations:
            - expression: "'http.get(x)' != ''"
            """, "v1", "NamespacedImageValidatingPolicy"));
        Assert.IsFalse(result.HasErrors);
        CollectionAssert.AreEqual(new[] { "spec.variables[0].expression", "spec.variables[1].expression" },
            result.Warnings.Select(w => w.Path).ToArray(), "text inside a string literal is not a call");

        var cluster = TestYaml.Load(TestYaml.PodPolicy("variables: [{name: g, expression: \"globalContext.Get('a', '')\"}]"));
        Assert.IsEmpty(cluster.Warnings);
    }

    [TestMethod]
    public void JsonModePoliciesNeedNoMatchConstraints()
    {
        var json = TestYaml.Load(TestYaml.Policy("""
            evaluation: {mode: JSON}
            images: [{name: app, expression: "[object.image]"}]
            attestors: []
            validations: [{expression: "images.app.size() >= 0"}]
            """));
        Assert.IsFalse(json.HasErrors, string.Join("\n", json.Errors));
        Assert.IsNull(json.Policies.Single().Spec.MatchConstraints);

        var kubernetes = TestYaml.SingleError(TestYaml.Policy("evaluation: {mode: Kubernetes}\nattestors: []\nvalidations: []"));
        Assert.AreEqual("spec.matchConstraints", kubernetes.Path);
    }

    [TestMethod]
    public void MoreThan64MatchConditionsWarn()
    {
        var conditions = string.Join("\n", Enumerable.Range(0, 65).Select(i => $"- {{name: c{i}, expression: 'true'}}"));
        var result = TestYaml.Load(TestYaml.PodPolicy("matchConditions:\n" + conditions));
        Assert.AreEqual("spec.matchConditions", result.Warnings.Single().Path);
        Assert.HasCount(1, result.Policies);
    }

    [TestMethod]
    public void EmptyRuleListsWarnThatTheRuleMatchesNothing()
    {
        var result = TestYaml.Load(TestYaml.Policy("""
            matchConstraints:
              resourceRules:
              - {apiGroups: [""], apiVersions: [v1], resources: [pods]}
            attestors: []
            validations: []
            """));
        var warning = result.Warnings.Single();
        Assert.AreEqual("spec.matchConstraints.resourceRules[0]", warning.Path);
        StringAssert.Contains(warning.Message, "operations");
    }

    [TestMethod]
    public void ExceptionNoticesAndWarnings()
    {
        var result = TestYaml.Load("""
            apiVersion: policies.kyverno.io/v1
            kind: PolicyException
            metadata: {name: e, namespace: team}
            spec:
              policyRefs:
              - {name: vpol, kind: ValidatingPolicy}
              - {name: ivpol, kind: ImageValidatingPolicy}
              images: ["ghcr.io/*"]
              reportResult: pass
            """);
        Assert.IsFalse(result.HasErrors);
        Assert.AreEqual("spec.policyRefs[0].kind", result.Notices.Single().Path);
        Assert.AreEqual("spec.images", result.Warnings.Single().Path);
        var exception = result.Exceptions.Single();
        Assert.AreEqual(Model.ExceptionReportResult.Pass, exception.Spec.ReportResult);
        Assert.AreEqual("team/e", exception.Key);
    }

    [TestMethod]
    public void ValidExamplesAreQuiet()
    {
        var result = TestYaml.Load(TestYaml.PodPolicy("""
            attestors:
            - name: a
              cosign:
                key: {data: PEM}
            validations:
            - expression: "true"
              message: ok
            """));
        Assert.IsEmpty(result.Diagnostics);
    }
}
