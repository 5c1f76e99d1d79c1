using ImageGate.Policies.Autogen;
using ImageGate.Policies.Model;

namespace ImageGate.Policies.Tests;

[TestClass]
public sealed class AutogenTests
{
    // The shape of Kyverno's autogen conformance test (deployments + cronjobs), with its odd spacing.
    private const string DeploymentsAndCronJobs = """
        apiVersion: policies.kyverno.io/v1alpha1
        kind: ImageValidatingPolicy
        metadata:
          name: ivpol-autogen-sample
        spec:
          autogen:
            podControllers:
              controllers:
              - deployments
              - cronjobs
          webhookConfiguration:
            timeoutSeconds: 20
          failurePolicy: Ignore
          validationActions:
          - Deny
          matchConstraints:
            resourceRules:
              - apiGroups: [""]
                apiVersions: ["v1"]
                operations: ["CREATE"]
                resources: ["pods"]
          matchConditions:
            - name: "check-prod-label"  
              expression: >- 
                has(object.metadata.labels) && has(object.metadata.labels.prod) && object.metadata.labels.prod == 'true'
          matchImageReferences:
            - glob: ghcr.io/*
          attestors:
            - name: notary
              notary:
                certs:
                  value: PEM
          attestations:
            - name: sbom
              referrer:
                type: sbom/cyclone-dx
          validations:
            - expression: >-
                images.containers.map(image, verifyImageSignatures(image, [attestors.notary])).all(e, e > 0)
              message: failed to verify image with notary cert
        """;

    [TestMethod]
    public void DeploymentsAndCronJobsExampleMatchesKyverno()
    {
        var policy = TestYaml.LoadOne(DeploymentsAndCronJobs);

        var variants = PolicyAutogen.Variants(policy);

        Assert.HasCount(2, variants);
        var cronjobs = variants[0];
        var defaults = variants[1];
        Assert.AreEqual("cronjobs", cronjobs.Key);
        Assert.AreEqual("defaults", defaults.Key);
        CollectionAssert.AreEqual(new[] { new AutogenTarget("apps", "v1", "deployments", "Deployment") }, defaults.Targets.ToArray());
        CollectionAssert.AreEqual(new[] { new AutogenTarget("batch", "v1", "cronjobs", "CronJob") }, cronjobs.Targets.ToArray());

        AssertRules(defaults.Policy, ("apps", "v1", "deployments"));
        AssertRules(cronjobs.Policy, ("batch", "v1", "cronjobs"));
        Assert.AreEqual(
            "has(object.spec.template.metadata.labels) && has(object.spec.template.metadata.labels.prod) && object.spec.template.metadata.labels.prod == 'true'",
            defaults.Policy.Spec.MatchConditions[0].Expression.Text);
        Assert.AreEqual(
            "has(object.spec.jobTemplate.spec.template.metadata.labels) && has(object.spec.jobTemplate.spec.template.metadata.labels.prod) && object.spec.jobTemplate.spec.template.metadata.labels.prod == 'true'",
            cronjobs.Policy.Spec.MatchConditions[0].Expression.Text);

        foreach (var variant in variants)
        {
            var spec = variant.Policy.Spec;
            Assert.AreEqual("check-prod-label", spec.MatchConditions[0].Name, "condition names are kept");
            Assert.AreEqual(policy.Spec.Validations[0].Expression.Text, spec.Validations[0].Expression.Text);
            Assert.AreEqual(policy.Spec.Validations[0].Message, spec.Validations[0].Message);
            Assert.AreEqual(new ValidationConfigurations(true, true, true), spec.ValidationConfigurations);
            Assert.AreEqual(20, spec.WebhookTimeoutSeconds);
            Assert.AreEqual(FailurePolicy.Ignore, spec.FailurePolicy);
            CollectionAssert.AreEqual(new[] { ValidationAction.Deny }, spec.ValidationActions.ToArray());
            Assert.AreEqual("ghcr.io/*", spec.MatchImageReferences[0].Glob);
            Assert.AreEqual("PEM", spec.Attestors[0].Notary!.Certs!.Value);
            Assert.AreEqual("ivpol-autogen-sample", variant.Policy.Name, "no autogen- prefix");
            Assert.AreSame(policy.Metadata, variant.Policy.Metadata);
            Assert.AreEqual(variant.Key, variant.Policy.AutogenKey);
        }
        Assert.IsNull(policy.AutogenKey);
        Assert.AreEqual("has(object.metadata.labels) && has(object.metadata.labels.prod) && object.metadata.labels.prod == 'true'",
            policy.Spec.MatchConditions[0].Expression.Text, "the parent is not changed");
    }

    [TestMethod]
    public void AllSixControllersByDefault()
    {
        var policy = TestYaml.LoadOne(TestYaml.Policy("""
            matchConstraints:
              namespaceSelector: {matchLabels: {team: a}}
              objectSelector: {}
              matchPolicy: Exact
              resourceRules:
              - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods], scope: Namespaced}
            attestors: []
            validations: []
            """));

        var variants = PolicyAutogen.Variants(policy);

        Assert.HasCount(2, variants);
        var defaults = variants[1].Policy.Spec.MatchConstraints!;
        Assert.HasCount(2, defaults.ResourceRules);
        CollectionAssert.AreEqual(new[] { "apps" }, defaults.ResourceRules[0].ApiGroups.ToArray());
        CollectionAssert.AreEqual(new[] { "daemonsets", "deployments", "replicasets", "statefulsets" }, defaults.ResourceRules[0].Resources.ToArray());
        CollectionAssert.AreEqual(new[] { "batch" }, defaults.ResourceRules[1].ApiGroups.ToArray());
        CollectionAssert.AreEqual(new[] { "jobs" }, defaults.ResourceRules[1].Resources.ToArray());
        CollectionAssert.AreEqual(new[] { "CREATE", "UPDATE" }, defaults.ResourceRules[0].Operations.ToArray());
        Assert.IsNull(defaults.ResourceRules[0].Scope, "scope is dropped");
        Assert.IsNull(defaults.ObjectSelector, "objectSelector is dropped");
        Assert.IsNull(defaults.MatchPolicy, "matchPolicy is dropped");
        Assert.AreEqual("a", defaults.NamespaceSelector!.MatchLabels["team"], "namespaceSelector is kept");
        Assert.HasCount(5, variants[1].Targets);
        var cron = variants[0].Policy.Spec.MatchConstraints!;
        Assert.HasCount(1, cron.ResourceRules);
        CollectionAssert.AreEqual(new[] { "cronjobs" }, cron.ResourceRules[0].Resources.ToArray());
    }

    [TestMethod]
    public void EmptyControllerListDisablesAutogen()
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("autogen: {podControllers: {controllers: []}}"));
        Assert.IsEmpty(PolicyAutogen.Variants(policy));
        Assert.HasCount(1, PolicyAutogen.WithVariants(policy));
    }

    [TestMethod]
    public void SeedEraGenerationSelectsControllers()
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("generation: {podControllers: {controllers: [jobs]}}", "v1alpha1"));
        var variant = PolicyAutogen.Variants(policy).Single();
        Assert.AreEqual("defaults", variant.Key);
        CollectionAssert.AreEqual(new[] { new AutogenTarget("batch", "v1", "jobs", "Job") }, variant.Targets.ToArray());

        var shorthand = TestYaml.LoadOne(TestYaml.PodPolicy("generation: {podControllers: [cronjobs]}", "v1alpha1"));
        Assert.AreEqual("cronjobs", PolicyAutogen.Variants(shorthand).Single().Key);
    }

    [TestMethod]
    public void UnknownControllerNamesAreIgnoredWithAWarning()
    {
        var result = TestYaml.Load(TestYaml.PodPolicy("autogen: {podControllers: {controllers: [Deployment, jobs]}}"));
        Assert.IsFalse(result.HasErrors);
        Assert.AreEqual("spec.autogen.podControllers.controllers[0]", result.Warnings.Single().Path);
        Assert.AreEqual("defaults", PolicyAutogen.Variants(result.Policies[0]).Single().Key);
    }

    [TestMethod]
    [DataRow("resources: [pods, pods/ephemeralcontainers]")]
    [DataRow("resources: [\"*\"]")]
    [DataRow("resources: [pods], resourceNames: [web]")]
    [DataRow("resources: [pods], apiGroups: [\"*\"]")]
    public void RulesOtherThanExactlyPodsDisableAutogen(string rule)
    {
        var fields = rule.Contains("apiGroups", StringComparison.Ordinal) ? rule : "apiGroups: [\"\"], " + rule;
        var policy = TestYaml.LoadOne(TestYaml.Policy($$"""
            matchConstraints:
              resourceRules:
              - {apiVersions: [v1], operations: [CREATE], {{fields}}}
            attestors: []
            validations: []
            """));
        Assert.IsFalse(PolicyAutogen.CanAutogen(policy.Spec.MatchConstraints));
        Assert.IsEmpty(PolicyAutogen.Variants(policy));
    }

    [TestMethod]
    [DataRow("objectSelector: {matchLabels: {a: b}}")]
    [DataRow("excludeResourceRules: [{apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods], resourceNames: [x]}]")]
    [DataRow("resourceRules: [{apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods]}, {apiGroups: [\"\"], apiVersions: [v1], operations: [UPDATE], resources: [pods]}]")]
    public void SelectorsExclusionsAndSeveralRulesDisableAutogen(string extra)
    {
        var rules = extra.StartsWith("resourceRules", StringComparison.Ordinal)
            ? extra
            : "resourceRules: [{apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods]}]\n  " + extra;
        var policy = TestYaml.LoadOne(TestYaml.Policy($"""
            matchConstraints:
              {rules}
            attestors: []
            validations: []
            """));
        Assert.IsEmpty(PolicyAutogen.Variants(policy));
    }

    [TestMethod]
    public void EveryStringInTheSpecIsRewritten()
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("""
            variables:
            - name: labels
              expression: object.metadata.labels
            images:
            - name: extra
              expression: object.spec.containers.map(c, c.image)
            matchImageReferences:
            - expression: ref != string(object.metadata.name)
            attestors:
            - name: k
              cosign:
                key:
                  expression: object.metadata.annotations['key']
                annotations:
                  source: object.spec
            validations:
            - expression: oldObject == null || oldObject.spec.containers.size() > 0
              message: object.spec has no containers
              messageExpression: "'pod ' + object.metadata.name + ' in ' + object.metadata.namespace"
            auditAnnotations:
            - key: node
              valueExpression: object.spec.nodeName
            """));

        var spec = PolicyAutogen.Variants(policy).Single(v => v.Key == "defaults").Policy.Spec;

        Assert.AreEqual("object.spec.template.metadata.labels", spec.Variables[0].Expression.Text);
        Assert.AreEqual("object.spec.template.spec.containers.map(c, c.image)", spec.Images[0].Expression.Text);
        Assert.AreEqual("ref != string(object.spec.template.metadata.name)", spec.MatchImageReferences[0].Expression!.Text);
        Assert.AreEqual("object.spec.template.metadata.annotations['key']", spec.Attestors[0].Cosign!.Key!.Expression!.Text);
        Assert.AreEqual("object.spec.template.spec", spec.Attestors[0].Cosign!.Annotations["source"]);
        Assert.AreEqual("oldObject == null || oldObject.spec.template.spec.containers.size() > 0", spec.Validations[0].Expression.Text);
        Assert.AreEqual("object.spec.template.spec has no containers", spec.Validations[0].Message);
        Assert.AreEqual("'pod ' + object.spec.template.metadata.name + ' in ' + object.metadata.namespace",
            spec.Validations[0].MessageExpression!.Text);
        Assert.AreEqual("object.spec.template.spec.nodeName", spec.AuditAnnotations[0].ValueExpression.Text);
    }

    [TestMethod]
    [DataRow("object.metadata.namespace", "object.metadata.namespace", "object.metadata.namespace")]
    [DataRow("object.metadata.namespace == 'x'", "object.metadata.namespace == 'x'", "object.metadata.namespace == 'x'")]
    [DataRow("object.metadata.namespaceFoo", "object.spec.template.metadata.namespaceFoo", "object.spec.jobTemplate.spec.template.metadata.namespaceFoo")]
    [DataRow("oldObject.metadata.labels", "oldObject.spec.template.metadata.labels", "oldObject.spec.jobTemplate.spec.template.metadata.labels")]
    [DataRow("object.spec.x + object.spec.y", "object.spec.template.spec.x + object.spec.template.spec.y", "object.spec.jobTemplate.spec.template.spec.x + object.spec.jobTemplate.spec.template.spec.y")]
    [DataRow("xobject.spec", "xobject.spec.template.spec", "xobject.spec.jobTemplate.spec.template.spec")]
    [DataRow("images.containers", "images.containers", "images.containers")]
    [DataRow("object.specs", "object.spec.template.specs", "object.spec.jobTemplate.spec.template.specs")]
    public void RewriteRules(string input, string defaults, string cronjobs)
    {
        Assert.AreEqual(defaults, AutogenRewriter.Rewrite(input, AutogenRewriter.DefaultsKey));
        Assert.AreEqual(cronjobs, AutogenRewriter.Rewrite(input, AutogenRewriter.CronJobsKey));
    }

    [TestMethod]
    public void VariantSpansPointAtTheParentSource()
    {
        var policy = TestYaml.LoadOne(DeploymentsAndCronJobs);
        var parent = policy.Spec.MatchConditions[0].Expression;
        foreach (var variant in PolicyAutogen.Variants(policy))
        {
            var expression = variant.Policy.Spec.MatchConditions[0].Expression;
            Assert.AreEqual(parent.Span, expression.Span);
            Assert.AreEqual("spec.matchConditions[0].expression", expression.Path);
            Assert.AreEqual(ScalarStyle.Folded, expression.Style);
        }
    }

    [TestMethod]
    public void ExceptionsApplyToVariants()
    {
        var result = TestYaml.Load(DeploymentsAndCronJobs + """

            ---
            apiVersion: policies.kyverno.io/v1
            kind: PolicyException
            metadata: {name: skip-legacy, namespace: legacy}
            spec:
              policyRefs:
              - {name: ivpol-autogen-sample, kind: ImageValidatingPolicy}
            """);
        var exception = result.Exceptions.Single();
        var all = PolicyAutogen.WithVariants(result.Policies.Single());
        Assert.HasCount(3, all);
        foreach (var variant in all)
        {
            Assert.IsTrue(exception.AppliesTo(variant), variant.AutogenKey ?? "parent");
            Assert.AreSame(exception, result.ExceptionsFor(variant).Single());
        }
    }

    [TestMethod]
    public void NamespacedPoliciesHaveVariantsAndVariantsHaveNone()
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("", "v1beta1", "NamespacedImageValidatingPolicy"));
        var variants = PolicyAutogen.Variants(policy);
        Assert.HasCount(2, variants);
        Assert.AreEqual(PolicyKind.NamespacedImageValidatingPolicy, variants[0].Policy.Kind);
        Assert.AreEqual("default", variants[0].Policy.Namespace);
        Assert.IsEmpty(PolicyAutogen.Variants(variants[0].Policy));
    }

    private static void AssertRules(ImageValidatingPolicy policy, (string Group, string Version, string Resource) expected)
    {
        var rule = policy.Spec.MatchConstraints!.ResourceRules.Single();
        CollectionAssert.AreEqual(new[] { expected.Group }, rule.ApiGroups.ToArray());
        CollectionAssert.AreEqual(new[] { expected.Version }, rule.ApiVersions.ToArray());
        CollectionAssert.AreEqual(new[] { expected.Resource }, rule.Resources.ToArray());
        CollectionAssert.AreEqual(new[] { "CREATE" }, rule.Operations.ToArray());
    }
}
