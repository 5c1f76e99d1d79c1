using ImageGate.Cel;
using ImageGate.Policies.Engine;
using static ImageGate.Policies.Tests.Engine.EngineFixture;

namespace ImageGate.Policies.Tests.Engine;

/// <summary>All CEL expressions of one policy on one resource share one cost budget: expressions that are each
/// under their own limit but together exceed it give an error result naming the policy, the resource and the
/// budget, and the budget starts afresh for every policy and every resource. The budget is lowered in most tests
/// so that they stay fast; one test runs the Kubernetes default.</summary>
[TestClass]
public sealed class CostBudgetTests
{
    /// <summary>A loop of 1,000 steps: cheap, but with a known cost.</summary>
    private const string Loop = "lists.range(1000).all(i, i >= 0)";

    private const string NoImageChecks = """
        validationConfigurations: {verifyDigest: false, mutateDigest: false, required: false}
        attestors: []

        """;

    /// <summary>What one evaluation of the loop costs, measured with the CEL library the engine uses.</summary>
    private static readonly long LoopCost = CostOf(Loop);

    /// <summary>Room for three loops and half of a fourth.</summary>
    private static readonly EngineOptions ThreeAndAHalfLoops = new() { ResolveDigests = false, CelCostBudget = 3 * LoopCost + LoopCost / 2 };

    private static long CostOf(string expression)
    {
        var budget = new CelCostBudget(long.MaxValue / 2);
        var value = new CelEnvironment().Compile(expression).Program!.Evaluate(Activation.Empty, budget);
        Assert.AreEqual(true, value);
        return budget.Spent;
    }

    private static string Validations(int count, string expression = Loop) =>
        "validations:\n" + string.Concat(Enumerable.Range(0, count).Select(_ => $"- expression: \"{expression}\"\n  message: too expensive\n"));

    private static string Loops(int count) => string.Join(" && ", Enumerable.Repeat(Loop, count));

    private static PolicyResult RunOne(string policy, EngineOptions? options = null) =>
        Run(policy, Pod("p", "ghcr.io/acme/app:1"), options: options ?? ThreeAndAHalfLoops).Single();

    private static void AssertOutOfBudget(PolicyResult result, string policy, long budget, string where)
    {
        Assert.AreEqual(PolicyStatus.Error, result.Status, result.Message);
        Assert.AreEqual($"failed to evaluate policy: policy {policy} on Pod default/p (resource.yaml:1:1) exceeded the CEL cost budget of {budget} for one evaluation, " +
            $"running out at {where}: all expressions of one policy on one resource share this budget, as in Kubernetes", result.Message);
    }

    [TestMethod]
    public void ValidationsTogetherOverTheBudgetAreAnError()
    {
        var result = RunOne(Policy("costly", NoImageChecks + Validations(4)));
        AssertOutOfBudget(result, "costly", ThreeAndAHalfLoops.CelCostBudget, "spec.validations[3].expression");
    }

    [TestMethod]
    public void ValidationsJustUnderTheBudgetPass()
    {
        var result = RunOne(Policy("affordable", NoImageChecks + Validations(3)));
        Assert.AreEqual(PolicyStatus.Pass, result.Status, result.Message);
    }

    [TestMethod]
    public void TheDefaultIsTheKubernetesBudget()
    {
        Assert.AreEqual(10_000_000L, new EngineOptions().CelCostBudget);
        // Three expressions of about 4.5 million each: every one is under its own limit of ten million, two fit.
        var expression = $"lists.range({4_500_000 / LoopCost}).all(x, {Loop})";
        var result = RunOne(Policy("default-budget", NoImageChecks + Validations(3, expression)), new EngineOptions { ResolveDigests = false });
        AssertOutOfBudget(result, "default-budget", 10_000_000, "spec.validations[2].expression");
    }

    [TestMethod]
    public void LazyVariablesAreChargedToTheBudgetOnce()
    {
        const string variables = """
            variables:
            - {name: a, expression: "LOOP"}
            - {name: b, expression: "LOOP"}
            - {name: c, expression: "LOOP"}
            - {name: d, expression: "LOOP"}
            """;
        var body = NoImageChecks + variables.Replace("LOOP", Loop, StringComparison.Ordinal) + "\n";
        var reused = RunOne(Policy("reused", body + Validations(1, "variables.a && variables.a && variables.a && variables.a && variables.b")));
        Assert.AreEqual(PolicyStatus.Pass, reused.Status, "a variable is evaluated once, however often it is read: " + reused.Message);

        var all = RunOne(Policy("all-variables", body + Validations(1, "variables.a && variables.b && variables.c && variables.d")));
        AssertOutOfBudget(all, "all-variables", ThreeAndAHalfLoops.CelCostBudget, "spec.validations[0].expression");
    }

    [TestMethod]
    public void ARunOutErrorAbsorbedByOrIsStillAnError()
    {
        var body = NoImageChecks + $"\nvariables:\n- name: huge\n  expression: \"{Loops(4)}\"\n" + Validations(1, "variables.huge || true");
        var result = RunOne(Policy("absorbed", body));
        AssertOutOfBudget(result, "absorbed", ThreeAndAHalfLoops.CelCostBudget, "spec.validations[0].expression");
    }

    [TestMethod]
    public void MatchConditionsOutOfBudgetAreAnErrorEvenWithFailurePolicyIgnore()
    {
        var conditions = "failurePolicy: Ignore\nmatchConditions:\n" + string.Concat(Enumerable.Range(0, 4).Select(i => $"- name: c{i}\n  expression: \"{Loop}\"\n"));
        var result = RunOne(Policy("conditions", NoImageChecks + conditions + "validations:\n- expression: \"true\""));
        AssertOutOfBudget(result, "conditions", ThreeAndAHalfLoops.CelCostBudget, "spec.matchConditions c3");
    }

    [TestMethod]
    public void ExceptionConditionsShareThePolicyBudget()
    {
        var policy = Policy("excepted", NoImageChecks + "matchConditions:\n- name: first\n  expression: \"" + Loops(2) + "\"\n" + Validations(1, "true"));
        var exception = $"""
            apiVersion: policies.kyverno.io/v1
            kind: PolicyException
            metadata: {"{name: costly-exception}"}
            spec:
              policyRefs: [{"{name: excepted, kind: ImageValidatingPolicy}"}]
              matchConditions:
              - name: second
                expression: "{Loops(2)}"
            """;
        var result = RunOne(policy + "\n---\n" + exception);
        AssertOutOfBudget(result, "excepted", ThreeAndAHalfLoops.CelCostBudget, "PolicyException costly-exception: spec.matchConditions second");
    }

    [TestMethod]
    public void MessagesAndAuditAnnotationsShareThePolicyBudget()
    {
        var message = RunOne(Policy("message", NoImageChecks + $"""

            validations:
            - expression: "{Loops(2)} && false"
              messageExpression: "{Loops(2)} ? 'denied' : 'denied'"
            """));
        AssertOutOfBudget(message, "message", ThreeAndAHalfLoops.CelCostBudget, "spec.validations[0].messageExpression");

        var annotation = RunOne(Policy("annotation", NoImageChecks + $"""

            auditAnnotations:
            - key: cost
              valueExpression: "{Loops(2)} ? 'high' : 'low'"
            validations:
            - expression: "{Loops(2)}"
            """));
        AssertOutOfBudget(annotation, "annotation", ThreeAndAHalfLoops.CelCostBudget, "spec.auditAnnotations cost");
    }

    [TestMethod]
    public void ImageExtractorsShareThePolicyBudget()
    {
        var result = RunOne(Policy("extractor", NoImageChecks + $"""

            images:
            - name: costly
              expression: "{Loops(4)} ? [object.spec.containers[0].image] : []"
            validations:
            - expression: "true"
            """));
        AssertOutOfBudget(result, "extractor", ThreeAndAHalfLoops.CelCostBudget, "spec.images costly");
    }

    [TestMethod]
    public void ImageReferenceMatchersShareThePolicyBudget()
    {
        var charged = RunOne(Policy("matcher", NoImageChecks + $"""

            matchImageReferences:
            - expression: "{Loops(2)} && ref.startsWith('ghcr.io/')"
            {Validations(1, Loops(2))}
            """));
        AssertOutOfBudget(charged, "matcher", ThreeAndAHalfLoops.CelCostBudget, "spec.validations[0].expression");

        var stopped = RunOne(Policy("matcher", NoImageChecks + $"""

            matchImageReferences:
            - expression: "{Loops(4)} && ref.startsWith('ghcr.io/')"
            {Validations(1, "true")}
            """));
        AssertOutOfBudget(stopped, "matcher", ThreeAndAHalfLoops.CelCostBudget, "spec.matchImageReferences");
    }

    [TestMethod]
    public void AttestorExpressionsShareThePolicyBudgetAndNothingIsVerified()
    {
        var image = "ghcr.io/acme/app@sha256:" + new string('a', 64);
        var verifier = new InMemoryImageVerifier();
        verifier.Signed.Add((image, "cosign"));
        var policy = Policy("attestor", $"""
            validationConfigurations: {"{verifyDigest: false, mutateDigest: false, required: false}"}
            attestors:
            - name: cosign
              cosign:
                key:
                  expression: "{Loops(4)} ? 'key' : 'key'"
            validations:
            - expression: "images.containers.all(i, verifyImageSignatures(i, [attestors.cosign]) > 0)"
              message: not signed
            """);
        var result = Run(policy, Pod("p", image), verifier, ThreeAndAHalfLoops).Single();
        AssertOutOfBudget(result, "attestor", ThreeAndAHalfLoops.CelCostBudget, "spec.validations[0].expression");
        Assert.IsEmpty(verifier.Calls, "no verification starts from an attestor whose expression ran out");
    }

    [TestMethod]
    public void DigestPinningHasABudgetOfItsOwnPhase()
    {
        var verifier = new InMemoryImageVerifier();
        verifier.Digests["ghcr.io/acme/app:1"] = "sha256:" + new string('b', 64);
        var policy = Policy("pinning", $"""
            validationConfigurations: {"{verifyDigest: false, mutateDigest: true, required: false}"}
            attestors: []
            matchConditions:
            - name: costly
              expression: "{Loops(4)}"
            validations:
            - expression: "true"
            """);
        var options = ThreeAndAHalfLoops with { ResolveDigests = true };
        var results = Run(policy, Pod("p", "ghcr.io/acme/app:1"), verifier, options);
        Assert.HasCount(2, results);
        Assert.AreEqual("mutateDigest", results[0].Rule);
        AssertOutOfBudget(results[0], "pinning", options.CelCostBudget, "spec.matchConditions costly");
        AssertOutOfBudget(results[1], "pinning", options.CelCostBudget, "spec.matchConditions costly");
        Assert.IsEmpty(verifier.Calls, "no tag is resolved for a policy whose conditions ran out");
    }

    [TestMethod]
    public void EachPolicyHasItsOwnBudgetAndOthersStillRun()
    {
        var policies = string.Join("\n---\n",
            Policy("first", NoImageChecks + Validations(3)),
            Policy("second", NoImageChecks + Validations(3)),
            Policy("over", NoImageChecks + Validations(4)),
            Policy("after", NoImageChecks + Validations(1, "false")));
        var results = Run(policies, Pod("p", "ghcr.io/acme/app:1"), options: ThreeAndAHalfLoops);
        Assert.AreEqual("first second over after", string.Join(" ", results.Select(r => r.Policy.Name)));
        Assert.AreEqual(PolicyStatus.Pass, results[0].Status, results[0].Message);
        Assert.AreEqual(PolicyStatus.Pass, results[1].Status, results[1].Message);
        AssertOutOfBudget(results[2], "over", ThreeAndAHalfLoops.CelCostBudget, "spec.validations[3].expression");
        Assert.AreEqual(PolicyStatus.Fail, results[3].Status, "a policy after one that ran out is still evaluated");
    }

    [TestMethod]
    public void EachResourceHasItsOwnBudget()
    {
        var pods = Pod("p", "ghcr.io/acme/app:1") + "\n---\n" + Pod("q", "ghcr.io/acme/app:2");
        var results = Run(Policy("per-resource", NoImageChecks + Validations(3)), pods, options: ThreeAndAHalfLoops);
        Assert.HasCount(2, results);
        Assert.IsTrue(results.All(r => r.Status == PolicyStatus.Pass), string.Join("\n", results.Select(r => r.Message)));
    }

    [TestMethod]
    public void ResourcesEvaluatedConcurrentlyDoNotShareABudget()
    {
        var loaded = Load(Policy("parallel", NoImageChecks + Validations(3)));
        var engine = new PolicyEngine(loaded.Policies, loaded.Exceptions, new InMemoryImageVerifier(), ThreeAndAHalfLoops);
        var pods = Resources(string.Join("\n---\n", Enumerable.Range(0, 8).Select(i => Pod($"p{i}", "ghcr.io/acme/app:1"))));
        var results = pods.AsParallel().WithDegreeOfParallelism(4).SelectMany(r => engine.Evaluate(r)).ToList();
        Assert.HasCount(8, results);
        Assert.IsTrue(results.All(r => r.Status == PolicyStatus.Pass), string.Join("\n", results.Select(r => r.Message)));
    }
}
