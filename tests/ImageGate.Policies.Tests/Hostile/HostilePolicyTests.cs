using System.Text;
using ImageGate.Policies.Engine;
using ImageGate.Policies.Loading;
using ImageGate.Policies.Tests.Engine;
using ImageGate.TestSupport;

namespace ImageGate.Policies.Tests.Hostile;

/// <summary>Hostile policies: bad text, unsupported tags, thousands of validations, expressions that allocate
/// without bound or are built to backtrack. Each ends in a located error or an error result (never a pass),
/// within generous time and memory bounds (the machine running the suite may be loaded).</summary>
[TestClass]
public sealed class HostilePolicyTests
{
    private static T Bounded<T>(Func<T> action, int seconds = 10, long megabytes = 1024) =>
        ResourceBounds.Within(action, seconds, megabytes);

    private static string PolicyWith(string validations) => EngineFixture.Policy("hostile", $"""
        validationConfigurations: {"{verifyDigest: false, mutateDigest: false, required: false}"}
        attestors: []
        validations:
        {validations}
        """);

    private static string Validation(string expression) => $"- expression: \"{expression}\"\n  message: hostile";

    private static PolicyResult RunOne(string policy) =>
        Bounded(() => EngineFixture.Run(policy, EngineFixture.Pod("p", "ghcr.io/acme/app:1"))).Single();

    [TestMethod]
    [DataRow(0x0000, "U+0000")]
    [DataRow(0x001b, "U+001B")]
    [DataRow(0xD800, "surrogate")]
    public void ControlCharactersAreLocatedErrors(int character, string named)
    {
        var text = PolicyWith(Validation("true")).Replace("name: hostile", "name: hostile" + (char)character);
        var result = Bounded(() => PolicyLoader.LoadText(text, "p.yaml"));
        var error = result.Errors.Single();
        Assert.Contains(named, error.Message);
        Assert.AreEqual(4, error.Span.Line);
        Assert.AreEqual(16, error.Span.Column);
        Assert.IsEmpty(result.Policies);
    }

    [TestMethod]
    public void InvalidUtf8FileIsALocatedError()
    {
        using var files = new TestFiles("hostile");
        var bytes = Encoding.UTF8.GetBytes(PolicyWith(Validation("true")).Replace("name: hostile", "name: hostile#"))
            .Select(b => b == (byte)'#' ? (byte)0xFF : b).ToArray();
        var path = Path.Combine(files.Root, "p.yaml");
        File.WriteAllBytes(path, bytes);
        var error = Bounded(() => PolicyLoader.LoadFile(path)).Errors.Single();
        Assert.Contains("invalid UTF-8: byte 0xFF", error.Message);
        Assert.AreEqual(4, error.Span.Line);
    }

    [TestMethod]
    public void Utf16FileWithAByteOrderMarkLoads()
    {
        using var files = new TestFiles("hostile");
        var path = Path.Combine(files.Root, "p.yaml");
        File.WriteAllText(path, PolicyWith(Validation("true")), Encoding.Unicode);
        var result = PolicyLoader.LoadFile(path);
        Assert.IsFalse(result.HasErrors, string.Join("\n", result.Errors));
        Assert.AreEqual("hostile", result.Policies.Single().Name);
    }

    [TestMethod]
    public void DeviceIsReadOnlyUpToTheSizeLimit()
    {
        var error = Bounded(() => PolicyLoader.LoadFile("/dev/zero", new PolicyLoaderOptions { MaxFileBytes = 1024 * 1024 }), megabytes: 256).Errors.Single();
        Assert.AreEqual("file is larger than the limit of 1048576 bytes", error.Message);
    }

    [TestMethod]
    [DataRow("!!binary dHJ1ZQ==", "!!binary")]
    [DataRow("!local true", "!local")]
    public void UnsupportedTagsAreLocatedErrors(string expression, string tag)
    {
        var text = PolicyWith($"- expression: {expression}\n  message: hostile");
        var error = Bounded(() => PolicyLoader.LoadText(text, "p.yaml")).Errors.Single();
        Assert.Contains($"the YAML tag '{tag}' is not supported", error.Message);
        Assert.AreEqual(15, error.Span.Line);
    }

    [TestMethod]
    [DataRow("!!]")]                                          // inputs found by fuzzing: YamlDotNet threw
    [DataRow(" :\t}")]                                        // ArgumentException and friends, not YamlException
    [DataRow("!!+! !")]
    [DataRow("%TAG !e! tag:\u0001\n--- !e!x a")]
    [DataRow("a: \"\\UFFFFFFFF\"")]
    public void MalformedYamlIsAnInputErrorNotACrash(string text)
    {
        var result = Bounded(() => PolicyLoader.LoadText(text, "p.yaml"));
        Assert.IsNotEmpty(result.Errors, "malformed YAML must not load silently");
        Assert.IsEmpty(result.Policies);
    }

    [TestMethod]
    public void SelfReferencingKeysAreLocatedErrors()
    {
        // Loaded as is, this key contains itself and hashing it overflows the stack (found by fuzzing).
        var error = Bounded(() => PolicyLoader.LoadText("? &k\n  ? *k\n", "p.yaml")).Errors.Single();
        Assert.Contains("a mapping key is a mapping or a sequence", error.Message);
        Assert.AreEqual(1, error.Span.Line);
    }

    [TestMethod]
    public void ThousandsOfValidationsLoadCompileAndRunInBoundedTime()
    {
        var validations = string.Join("\n", Enumerable.Range(0, 3_000).Select(i => Validation($"images.containers.all(i, i.startsWith('ghcr.io/') || i == '{i}')")));
        var result = RunOne(PolicyWith(validations));
        Assert.AreEqual(PolicyStatus.Pass, result.Status, result.Message);

        var failingLast = validations + "\n" + Validation("images.containers.all(i, i.startsWith('docker.io/'))");
        Assert.AreEqual(PolicyStatus.Fail, RunOne(PolicyWith(failingLast)).Status);
    }

    [TestMethod]
    public void ThousandsOfCostlyValidationsStopAtThePolicyBudget()
    {
        // Each validation costs about a million, a tenth of its own limit; 2,000 of them would cost two billion
        // (minutes of work) without the budget all expressions of one policy on one resource share.
        const string expression = "lists.range(300).all(x, lists.range(1000).all(i, i >= 0))";
        var budget = new Cel.CelCostBudget(long.MaxValue / 2);
        Assert.AreEqual(true, new Cel.CelEnvironment().Compile(expression).Program!.Evaluate(Cel.Activation.Empty, budget));
        var cost = budget.Spent;
        Assert.IsTrue(cost is > 300_000 and < 5_000_000, $"each validation costs {cost}");

        var validations = string.Join("\n", Enumerable.Range(0, 2_000).Select(_ => Validation(expression)));
        var result = RunOne(PolicyWith(validations));
        Assert.AreEqual(PolicyStatus.Error, result.Status, result.Message);
        Assert.Contains("exceeded the CEL cost budget of 10000000 for one evaluation", result.Message);
        var stoppedAt = int.Parse(System.Text.RegularExpressions.Regex.Match(result.Message, @"spec\.validations\[(\d+)\]").Groups[1].Value);
        var expected = (int)(Cel.CelCostBudget.DefaultLimit / cost);
        Assert.IsTrue(Math.Abs(stoppedAt - expected) <= 1, $"stopped at validation {stoppedAt}, expected about {expected}");
    }

    [TestMethod]
    public void DoublingAcrossVariablesEndsInAnErrorResult()
    {
        var variables = new StringBuilder("variables:\n- name: v0\n  expression: \"'xxxxxxxxxxxxxxxx'\"\n");
        for (var i = 1; i <= 40; i++)
        {
            variables.Append($"- name: v{i}\n  expression: \"variables.v{i - 1} + variables.v{i - 1}\"\n");
        }
        var policy = EngineFixture.Policy("hostile", $"""
            validationConfigurations: {"{verifyDigest: false, mutateDigest: false, required: false}"}
            attestors: []
            {variables.ToString().TrimEnd().Replace("\n", "\n    ", StringComparison.Ordinal)}
            validations:
            - expression: "size(variables.v40) > 0"
              message: hostile
            """);
        var result = RunOne(policy);
        Assert.AreEqual(PolicyStatus.Error, result.Status, result.Message);
        // The variables nest, so they together run out of the policy's shared budget before any one string is too long.
        Assert.Contains("exceeded the CEL cost budget of 10000000 for one evaluation", result.Message);
    }

    [TestMethod]
    public void ValidationThatAllocatesWithoutBoundEndsInAnErrorResult()
    {
        var doubling = "cel.bind(a, 'xxxxxxxxxxxxxxxx', " + string.Concat(Enumerable.Repeat("cel.bind(a, a + a, ", 40)) + "size(a) > 0" + new string(')', 41);
        var result = RunOne(PolicyWith(Validation(doubling)));
        Assert.AreEqual(PolicyStatus.Error, result.Status, result.Message);
        Assert.IsTrue(result.Message.Contains("exceeds the limit", StringComparison.Ordinal) || result.Message.Contains("cost limit exceeded", StringComparison.Ordinal), result.Message);
        Assert.Contains("policy.yaml:", result.Message);
    }

    [TestMethod]
    public void ValidationThatLoopsRunsOutOfBudgetAsAnErrorResult()
    {
        var list = "[" + string.Join(",", Enumerable.Range(0, 100)) + "]";
        var result = RunOne(PolicyWith(Validation($"{list}.all(a, {list}.all(b, {list}.all(c, {list}.all(d, true))))")));
        Assert.AreEqual(PolicyStatus.Error, result.Status, result.Message);
        Assert.Contains("cost limit exceeded", result.Message);
    }

    [TestMethod]
    public void RegexBuiltToBacktrackRunsInLinearTime()
    {
        var subject = new string('a', 20_000) + "!";
        var result = RunOne(PolicyWith(Validation($"images.containers.all(i, !('{subject}'.matches('^(a+)+$')) && !('{subject}'.matches('^(a|aa)*$')))")));
        Assert.AreEqual(PolicyStatus.Pass, result.Status, result.Message);
    }

    [TestMethod]
    public void ExpressionTooLongOrTooDeepIsALocatedCompileError()
    {
        var deep = RunOne(PolicyWith(Validation(new string('(', 3_000) + "true" + new string(')', 3_000))));
        Assert.AreEqual(PolicyStatus.Error, deep.Status);
        Assert.Contains("recursion limit", deep.Message);
        Assert.Contains("spec.validations[0].expression", deep.Message);

        var longExpression = RunOne(PolicyWith(Validation("'" + new string('x', 150_000) + "' != ''")));
        Assert.AreEqual(PolicyStatus.Error, longExpression.Status);
        Assert.Contains("exceeds limit", longExpression.Message);
    }
}
