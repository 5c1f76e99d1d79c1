using ImageGate.Policies.Engine;
using ImageGate.Policies.Matching;
using static ImageGate.Policies.Tests.Engine.EngineFixture;

namespace ImageGate.Policies.Tests.Engine;

/// <summary>matchConstraints (kyverno-ivpol §2.6), autogen for every pod controller, exceptions,
/// namespaced policies and image globs.</summary>
[TestClass]
public sealed class MatchingTests
{
    private static readonly string Image = "ghcr.io/acme/app@" + Digest;

    private static string Policy(string match, string extra = "") => $$"""
        apiVersion: policies.kyverno.io/v1
        kind: ImageValidatingPolicy
        metadata:
          name: p
        spec:
          validationConfigurations:
            required: false
          matchConstraints:
        {{Indent(match, 4)}}
          attestors: []
        {{Indent(extra, 2)}}
          validations:
          - expression: "true"
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => new string(' ', spaces) + l));

    private const string Pods = """
        resourceRules:
        - apiGroups: [""]
          apiVersions: ["v1"]
          operations: ["CREATE"]
          resources: ["pods"]
        """;

    private static int Count(string policy, string resource, EngineOptions? options = null) =>
        Run(policy, resource, options: options ?? new EngineOptions { ResolveDigests = false }).Count;

    [TestMethod]
    public void ResourceRulesMatchOperationGroupVersionResource()
    {
        Assert.AreEqual(1, Count(Policy(Pods), Pod("a", Image)));
        Assert.AreEqual(0, Count(Policy(Pods.Replace("CREATE", "DELETE")), Pod("a", Image)));
        Assert.AreEqual(1, Count(Policy(Pods.Replace("\"CREATE\"", "\"*\"")), Pod("a", Image)));
        Assert.AreEqual(0, Count(Policy(Pods.Replace("[\"v1\"]", "[\"v2\"]")), Pod("a", Image)));
        Assert.AreEqual(0, Count(Policy(Pods.Replace("[\"\"]", "[\"apps\"]")), Pod("a", Image)));
        Assert.AreEqual(1, Count(Policy(Pods.Replace("[\"pods\"]", "[\"*\"]")), Pod("a", Image)));
        Assert.AreEqual(0, Count(Policy(Pods.Replace("[\"pods\"]", "[\"services\"]")), Pod("a", Image)));
    }

    [TestMethod]
    public void OperationFromOptionsIsUsed()
    {
        var update = new EngineOptions { ResolveDigests = false, Operation = "UPDATE" };
        Assert.AreEqual(0, Count(Policy(Pods), Pod("a", Image), update));
        Assert.AreEqual(1, Count(Policy(Pods.Replace("[\"CREATE\"]", "[\"UPDATE\"]")), Pod("a", Image), update));
    }

    [TestMethod]
    public void EmptyResourceRulesMatchEverythingInTheEngine()
    {
        // The loader rejects such a policy as the cluster does; the engine itself follows Kyverno's matcher.
        var span = new ImageGate.Policies.Model.SourceSpan("p.yaml", 1, 1);
        var match = new ImageGate.Policies.Model.MatchResources([], [], null, null, null) { Path = "spec.matchConstraints", Span = span };
        var resource = Resources("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")[0];
        var kinds = new KindRegistry();
        Assert.IsTrue(ResourceMatcher.Matches(match, resource, kinds.Resolve("v1", "ConfigMap"), "CREATE", new EngineOptions()));
        Assert.IsTrue(ResourceMatcher.Matches(null, resource, kinds.Resolve("v1", "ConfigMap"), "CREATE", new EngineOptions()));
    }

    [TestMethod]
    public void ScopeAndResourceNames()
    {
        Assert.AreEqual(0, Count(Policy(Pods + "\n  scope: Cluster"), Pod("a", Image)));
        Assert.AreEqual(1, Count(Policy(Pods + "\n  scope: Namespaced"), Pod("a", Image)));
        Assert.AreEqual(1, Count(Policy(Pods + "\n  resourceNames: [a]"), Pod("a", Image)));
        Assert.AreEqual(0, Count(Policy(Pods + "\n  resourceNames: [b]"), Pod("a", Image)));
    }

    [TestMethod]
    public void ExcludeResourceRulesWin()
    {
        var exclude = Pods + "\nexcludeResourceRules:\n- apiGroups: [\"\"]\n  apiVersions: [\"v1\"]\n  operations: [\"*\"]\n  resources: [\"pods\"]\n  resourceNames: [a]";
        Assert.AreEqual(0, Count(Policy(exclude), Pod("a", Image)));
        Assert.AreEqual(1, Count(Policy(exclude), Pod("b", Image)));
    }

    [TestMethod]
    public void NamespaceSelectorUsesValuesOrTheNameLabel()
    {
        var byName = Policy(Pods + "\nnamespaceSelector:\n  matchLabels:\n    kubernetes.io/metadata.name: prod");
        Assert.AreEqual(1, Count(byName, Pod("a", Image, ns: "prod")));
        Assert.AreEqual(0, Count(byName, Pod("a", Image, ns: "dev")));

        var byLabel = Policy(Pods + "\nnamespaceSelector:\n  matchExpressions:\n  - key: tier\n    operator: In\n    values: [critical]");
        var options = new EngineOptions
        {
            ResolveDigests = false,
            NamespaceLabels = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["payments"] = new Dictionary<string, string> { ["tier"] = "critical" },
            },
        };
        Assert.AreEqual(1, Count(byLabel, Pod("a", Image, ns: "payments"), options));
        Assert.AreEqual(0, Count(byLabel, Pod("a", Image, ns: "web"), options));
    }

    [TestMethod]
    public void ObjectSelector()
    {
        var policy = Policy(Pods + "\nobjectSelector:\n  matchLabels:\n    app: web");
        Assert.AreEqual(1, Count(policy, Pod("a", Image, labels: "{app: web}")));
        Assert.AreEqual(0, Count(policy, Pod("a", Image, labels: "{app: db}")));
    }

    [TestMethod]
    [DataRow("apps/v1", "Deployment", "spec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: IMAGE")]
    [DataRow("apps/v1", "StatefulSet", "spec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: IMAGE")]
    [DataRow("apps/v1", "DaemonSet", "spec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: IMAGE")]
    [DataRow("apps/v1", "ReplicaSet", "spec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: IMAGE")]
    [DataRow("batch/v1", "Job", "spec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: IMAGE")]
    [DataRow("batch/v1", "CronJob", "spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: IMAGE")]
    public void AutogenEvaluatesPodControllersWithTheirPodTemplate(string apiVersion, string kind, string spec)
    {
        var policy = Policy(Pods).Replace("  validations:\n  - expression: \"true\"", "  validations:\n  - expression: \"images.containers.all(i, i.startsWith('ghcr.io/acme/'))\"\n    message: untrusted registry");
        var resource = $"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: w\n  namespace: default\n" + spec;
        var good = Run(policy, resource.Replace("IMAGE", Image));
        Assert.HasCount(1, good);
        Assert.AreEqual(PolicyStatus.Pass, good[0].Status, good[0].Message);
        Assert.IsNotNull(good[0].Policy.AutogenKey);
        CollectionAssert.AreEqual(new[] { Image }, good[0].Images.ToArray());
        var bad = Run(policy, resource.Replace("IMAGE", "docker.io/evil/app@" + Digest));
        Assert.AreEqual(PolicyStatus.Fail, bad[0].Status);
        Assert.AreEqual("untrusted registry", bad[0].Message);
    }

    [TestMethod]
    public void EmptyControllerListDisablesAutogen()
    {
        var policy = Policy(Pods, "autogen:\n  podControllers:\n    controllers: []");
        var deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: " + Image;
        Assert.AreEqual(0, Count(policy, deployment));
        var onlyJobs = Policy(Pods, "autogen:\n  podControllers:\n    controllers: [jobs]");
        Assert.AreEqual(0, Count(onlyJobs, deployment));
        Assert.AreEqual(1, Count(onlyJobs, deployment.Replace("apps/v1", "batch/v1").Replace("Deployment", "Job")));
    }

    private const string Exception = """
        ---
        apiVersion: policies.kyverno.io/v1
        kind: PolicyException
        metadata:
          name: allow-legacy
          namespace: team-a
        spec:
          policyRefs:
          - name: p
            kind: ImageValidatingPolicy
          matchConditions:
          - name: legacy
            expression: "object.metadata.name.startsWith('legacy-')"
        """;

    [TestMethod]
    public void ExceptionsSkipMatchingResourcesAndOnlyThose()
    {
        var policy = Policy(Pods).Replace("expression: \"true\"", "expression: \"false\"") + "\n" + Exception;
        var excepted = Run(policy, Pod("legacy-a", Image));
        Assert.AreEqual(PolicyStatus.Skip, excepted[0].Status);
        Assert.AreEqual("rule is skipped due to policy exception: team-a/allow-legacy", excepted[0].Message);
        var other = Run(policy, Pod("new-a", Image));
        Assert.AreEqual(PolicyStatus.Fail, other[0].Status);
    }

    [TestMethod]
    public void ExceptionsApplyToAutogenVariants()
    {
        var policy = Policy(Pods).Replace("expression: \"true\"", "expression: \"false\"") + "\n" + Exception;
        var deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: legacy-w\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: " + Image;
        var results = Run(policy, deployment);
        Assert.HasCount(1, results);
        Assert.AreEqual(PolicyStatus.Skip, results[0].Status, results[0].Message);
    }

    [TestMethod]
    public void NamespacedPolicyAppliesOnlyInItsNamespace()
    {
        var policy = Policy(Pods).Replace("kind: ImageValidatingPolicy", "kind: NamespacedImageValidatingPolicy").Replace("  name: p", "  name: p\n  namespace: team-a");
        Assert.AreEqual(1, Count(policy, Pod("a", Image, ns: "team-a")));
        Assert.AreEqual(0, Count(policy, Pod("a", Image, ns: "team-b")));
    }

    [TestMethod]
    [DataRow("ghcr.io/*", "ghcr.io/acme/app:1", true)]
    [DataRow("ghcr.io/acme/*", "ghcr.io/acme/team/app@sha256:1", true)]
    [DataRow("ghcr.io/acme/app:?", "ghcr.io/acme/app:1", true)]
    [DataRow("ghcr.io/acme/app:?", "ghcr.io/acme/app:10", false)]
    [DataRow("{ghcr.io,quay.io}/acme/*", "quay.io/acme/x", true)]
    [DataRow("docker.io/[!e]*", "docker.io/evil", false)]
    [DataRow("docker.io/[a-d]*", "docker.io/cool", true)]
    [DataRow("nginx", "docker.io/library/nginx", false)]
    public void ImageGlobCrossesSlashesAndColons(string pattern, string image, bool expected)
    {
        Assert.AreEqual(expected, ImageGlob.Compile(pattern).IsMatch(image));
    }

    [TestMethod]
    [DataRow("ghcr.io/[abc")]
    [DataRow("{a,b")]
    [DataRow("trailing\\")]
    public void InvalidGlobIsAFormatError(string pattern)
    {
        Assert.ThrowsExactly<FormatException>(() => ImageGlob.Compile(pattern));
    }
}
