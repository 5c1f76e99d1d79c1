using ImageGate.Policies.Model;

namespace ImageGate.Policies.Tests;

[TestClass]
public sealed class DefaultsTests
{
    [TestMethod]
    [DataRow("v1alpha1")]
    [DataRow("v1beta1")]
    [DataRow("v1")]
    public void MinimalPolicyGetsTheCrdAndEngineDefaults(string version)
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("", version));
        var spec = policy.Spec;

        Assert.AreEqual(FailurePolicy.Fail, spec.FailurePolicy);
        CollectionAssert.AreEqual(new[] { ValidationAction.Deny }, spec.ValidationActions.ToArray());
        Assert.AreEqual(new ValidationConfigurations(true, true, true), spec.ValidationConfigurations);
        Assert.AreEqual(new EvaluationConfiguration(EvaluationMode.Kubernetes, true, true), spec.Evaluation);
        Assert.IsNull(spec.Autogen.Controllers, "no autogen setting means all controllers");
        Assert.IsNull(spec.WebhookTimeoutSeconds);
        Assert.IsNull(spec.Credentials);
        Assert.IsNull(spec.MatchConstraints!.MatchPolicy);
        Assert.IsEmpty(spec.MatchImageReferences);
        Assert.AreEqual(PolicyVocabulary.Current, policy.Vocabulary);
        Assert.AreEqual($"policies.kyverno.io/{version}", policy.ApiVersion);
        Assert.IsNull(policy.Namespace);
        Assert.IsTrue(policy.Scored);
    }

    [TestMethod]
    public void EmptyValidationActionsMeansDeny()
    {
        var spec = TestYaml.LoadOne(TestYaml.PodPolicy("validationActions: []")).Spec;
        CollectionAssert.AreEqual(new[] { ValidationAction.Deny }, spec.ValidationActions.ToArray());
    }

    [TestMethod]
    public void PartialValidationConfigurationsKeepOtherDefaults()
    {
        var current = TestYaml.LoadOne(TestYaml.PodPolicy("validationConfigurations: {verifyDigest: false}")).Spec;
        var seed = TestYaml.LoadOne(TestYaml.PodPolicy("verifyDigest: false", "v1alpha1")).Spec;

        Assert.AreEqual(new ValidationConfigurations(true, false, true), current.ValidationConfigurations);
        Assert.AreEqual(current.ValidationConfigurations, seed.ValidationConfigurations);
    }

    [TestMethod]
    public void SeedEraSpecLevelFlagsAllMap()
    {
        var spec = TestYaml.LoadOne(TestYaml.PodPolicy("""
            mutateDigest: false
            verifyDigest: false
            required: false
            """, "v1alpha1")).Spec;
        Assert.AreEqual(new ValidationConfigurations(false, false, false), spec.ValidationConfigurations);
    }

    [TestMethod]
    public void EvaluationDefaultsApplyPerField()
    {
        var spec = TestYaml.LoadOne(TestYaml.PodPolicy("""
            evaluation:
              mode: JSON
              background: {enabled: false}
            """)).Spec;
        Assert.AreEqual(new EvaluationConfiguration(EvaluationMode.Json, true, false), spec.Evaluation);
    }

    [TestMethod]
    public void KeyHashAlgorithmDefaultsToSha256()
    {
        var spec = TestYaml.LoadOne(TestYaml.PodPolicy("""
            attestors:
            - name: a
              cosign:
                key: {data: PEM}
            """)).Spec;
        Assert.AreEqual("sha256", spec.Attestors[0].Cosign!.Key!.HashAlgorithm);
        var ctlog = spec.Attestors[0].Cosign!.CTLog;
        Assert.IsNull(ctlog);
    }

    [TestMethod]
    public void NamespacedPolicyWithoutNamespaceUsesDefault()
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("", "v1", "NamespacedImageValidatingPolicy"));
        Assert.AreEqual("default", policy.Namespace);
        Assert.AreEqual("NamespacedImageValidatingPolicy", policy.KindName);
    }

    [TestMethod]
    public void ExceptionDefaults()
    {
        var result = TestYaml.Load("""
            apiVersion: policies.kyverno.io/v1alpha1
            kind: PolicyException
            metadata: {name: e}
            spec:
              policyRefs: [{name: p, kind: ImageValidatingPolicy}]
            """);
        Assert.IsFalse(result.HasErrors, string.Join("\n", result.Errors));
        var exception = result.Exceptions.Single();
        Assert.AreEqual(ExceptionReportResult.Skip, exception.Spec.ReportResult);
        Assert.IsNull(exception.Spec.ExpiresAt);
        Assert.IsEmpty(exception.Spec.MatchConditions);
        Assert.AreEqual("e", exception.Key);
        Assert.IsFalse(exception.IsExpired(DateTimeOffset.UtcNow));
    }

    [TestMethod]
    public void ScoredFalseAnnotation()
    {
        var text = TestYaml.PodPolicy("").Replace("  name: test", "  name: test\n  annotations: {policies.kyverno.io/scored: \"false\"}");
        Assert.IsFalse(TestYaml.LoadOne(text).Scored);
    }
}
