using System.Diagnostics;
using ImageGate.TestSupport;

namespace ImageGate.Cel.Tests.Hostile;

/// <summary>Expressions written to exhaust the engine: values that double, comprehensions that build large values,
/// deep nesting, regular expressions built to backtrack. Each ends in a clear error value (or the right answer)
/// within bounded time and memory; none throws or takes the process down.</summary>
[TestClass]
public sealed class HostileExpressionTests
{
    private static readonly string[] Ints = Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Compiles and evaluates, failing when it takes more than 10 s or allocates more than 1 GiB (generous:
    /// the machine running the suite may be loaded; these catch hangs and blow-ups).</summary>
    private static object Run(string expression, IReadOnlyDictionary<string, object?>? variables = null, CelEnvironment? env = null)
    {
        env ??= new CelEnvironment();
        if (variables is not null)
        {
            foreach (var name in variables.Keys)
            {
                env.DeclareVariable(name, CelType.Dyn);
            }
        }
        return ResourceBounds.Within(() =>
        {
            var compiled = env.Compile(expression);
            Assert.IsTrue(compiled.Success, compiled.ErrorText);
            return compiled.Program!.Evaluate(variables ?? new Dictionary<string, object?>());
        });
    }

    private static string Error(string expression, IReadOnlyDictionary<string, object?>? variables = null)
    {
        var value = Run(expression, variables);
        Assert.IsInstanceOfType<CelError>(value, $"gave {Values.Describe(value)} instead of an error");
        return ((CelError)value).Message;
    }

    /// <summary>Doubling stops at whichever bound comes first: the size of one value or the size-charged budget.</summary>
    private static void AssertSizeOrCostLimit(string message) =>
        Assert.IsTrue(message.Contains("exceed", StringComparison.Ordinal) && message.Contains("the limit of", StringComparison.Ordinal)
            || message.Contains("cost limit exceeded", StringComparison.Ordinal), message);

    private static string Doubling(string seed, int times) =>
        $"cel.bind(a, {seed}, " + string.Concat(Enumerable.Repeat("cel.bind(a, a + a, ", times)) + "size(a)" + new string(')', times + 1);

    [TestMethod]
    public void StringDoublingStopsAtTheSizeLimit()
    {
        AssertSizeOrCostLimit(Error(Doubling("'xxxxxxxxxxxxxxxx'", 40)));
    }

    [TestMethod]
    public void BytesDoublingStopsAtTheSizeLimit()
    {
        AssertSizeOrCostLimit(Error(Doubling("b'xxxxxxxxxxxxxxxx'", 40)));
    }

    [TestMethod]
    public void ListDoublingStopsAtTheSizeLimit()
    {
        AssertSizeOrCostLimit(Error(Doubling("[1, 2, 3, 4, 5, 6, 7, 8]", 40)));
    }

    [TestMethod]
    public void ReplaceThatMultipliesIsMeasuredBeforeItIsBuilt()
    {
        var expression = "'x'" + string.Concat(Enumerable.Repeat(".replace('x', 'xxxxxxxxxx')", 9)) + ".size()";
        Assert.AreEqual("string of 100000000 characters exceeds the limit of 16777216", Error(expression));
        Assert.AreEqual("string of 20000003 characters exceeds the limit of 16777216", Error("s.replace('', 'xx').size()",
            new Dictionary<string, object?> { ["s"] = new string('y', 6_666_667) }));
    }

    [TestMethod]
    public void RegexReplaceThatMultipliesIsStopped()
    {
        var message = Error("regex.replace(s, 'a', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb').size()",
            new Dictionary<string, object?> { ["s"] = new string('a', 1_000_000) });
        StringAssert.Contains(message, "longer than the limit");
    }

    [TestMethod]
    public void JoinAndSplitStopAtTheLimits()
    {
        var big = new Dictionary<string, object?> { ["s"] = new string(',', 5_000_000) };
        Assert.AreEqual("list of 5000001 elements exceeds the limit of 4194304", Error("s.split(',').size()", big));
        var parts = new Dictionary<string, object?> { ["l"] = Enumerable.Repeat(new string('x', 1_000_000), 20).ToList() };
        StringAssert.Contains(Error("l.join('').size()", parts), "exceeds the limit of 16777216");
    }

    [TestMethod]
    public void HugeFormatPrecisionIsRefused()
    {
        Assert.AreEqual("precision 999999999 exceeds the limit of 1000", Error("'%.999999999f'.format([1.0])"));
        Assert.AreEqual("precision 99999999999999999999 exceeds the limit of 1000", Error("'%.99999999999999999999e'.format([1.0])"));
        Assert.AreEqual(1002L, Run("'%.1000f'.format([1.0]).size()"));
    }

    [TestMethod]
    public void ComprehensionBuildingLargeStringsRunsOutOfBudget()
    {
        var variables = new Dictionary<string, object?> { ["s"] = new string('x', 4_000_000) };
        var expression = $"[{string.Join(",", Ints)}].map(i, s + string(i)).size()";
        StringAssert.Contains(Error(expression, variables), "cost limit exceeded");
    }

    [TestMethod]
    public void NestedComprehensionsRunOutOfBudget()
    {
        var list = $"[{string.Join(",", Ints)}]";
        var expression = $"{list}.all(a, {list}.all(b, {list}.all(c, {list}.all(d, a + b + c + d >= 0))))";
        StringAssert.Contains(Error(expression), "cost limit exceeded");
    }

    [TestMethod]
    public void NestedMapsBuildingListsRunOutOfBudget()
    {
        var list = $"[{string.Join(",", Ints.Take(30))}]";
        var expression = $"{list}.map(a, {list}.map(b, {list}.map(c, {list}.map(d, {list}.map(e, [a, b, c, d, e]))))).size()";
        StringAssert.Contains(Error(expression), "cost limit exceeded");
    }

    [TestMethod]
    public void ComprehensionScanningALargeInputRunsOutOfBudget()
    {
        // Each call reads the 4M-character string: a few hundred calls is the budget, not a few million.
        var variables = new Dictionary<string, object?> { ["s"] = new string('x', 4_000_000), ["p"] = "(a|b|c|d|e|f|g|h|i|j){5}y" };
        var list = $"[{string.Join(",", Ints)}]";
        StringAssert.Contains(Error($"{list}.all(a, {list}.all(b, !s.matches(p)))", variables), "cost limit exceeded");
        StringAssert.Contains(Error($"{list}.all(a, {list}.all(b, !s.contains('y')))", variables), "cost limit exceeded");
    }

    [TestMethod]
    [DataRow("(a+)+$")]
    [DataRow("^(a|aa)*$")]
    [DataRow("^(a|a?)+$")]
    [DataRow("(.*a){25}$")]
    [DataRow("^(\\w+\\s?)*$")]
    public void RegexesBuiltToBacktrackRunInLinearTime(string pattern)
    {
        var variables = new Dictionary<string, object?> { ["s"] = new string('a', 50_000) + "!", ["p"] = pattern };
        Assert.AreEqual(false, Run("s.matches(p)", variables));
    }

    [TestMethod]
    public void HugeRepeatCountsAreRejected()
    {
        StringAssert.Contains(Error("'a'.matches('(a{1000}){1000}')"), "invalid repeat count");
        StringAssert.Contains(Error("'a'.matches('((((a{100}){100}){100}){100})')"), "invalid");
    }

    [TestMethod]
    [DataRow("(", ")")]
    [DataRow("[", "]")]
    [DataRow("{'a': ", "}")]
    [DataRow("f(", ")")]
    [DataRow("[1].map(x, ", ")")]
    public void DeepNestingIsACompileErrorWithAPosition(string open, string close)
    {
        var expression = string.Concat(Enumerable.Repeat(open, 3_000)) + "1" + string.Concat(Enumerable.Repeat(close, 3_000));
        var watch = Stopwatch.StartNew();
        var compiled = new CelEnvironment().Compile(expression);
        Assert.IsLessThan(10_000L, watch.ElapsedMilliseconds);
        Assert.IsFalse(compiled.Success);
        StringAssert.Contains(compiled.Issues[0].Message, "limit");
        StringAssert.StartsWith(compiled.ErrorText, "ERROR: <input>:1:");
    }

    [TestMethod]
    public void LongOperatorAndMemberChainsAreCompileErrors()
    {
        foreach (var expression in new[]
                 {
                     string.Join(" + ", Enumerable.Repeat("1", 5_000)),
                     "{'a': 1}" + string.Concat(Enumerable.Repeat(".a", 5_000)),
                     "x" + string.Concat(Enumerable.Repeat("[0]", 5_000)),
                 })
        {
            var compiled = new CelEnvironment(new CelOptions { AllowUndeclaredVariables = true }).Compile(expression);
            Assert.IsFalse(compiled.Success, expression[..40]);
            StringAssert.Contains(compiled.Issues[0].Message, "recursion limit");
        }
    }

    [TestMethod]
    public void RepeatedUnaryOperatorsDoNotOverflowTheStack()
    {
        Assert.AreEqual(true, Run(new string('!', 100_000 - 4) + "true"));
        Assert.AreEqual(1L, Run(new string('-', 100_000 - 2) + "1"));
    }

    [TestMethod]
    public void ExpressionLengthIsBounded()
    {
        var compiled = new CelEnvironment().Compile("'" + new string('x', 200_000) + "'");
        Assert.IsFalse(compiled.Success);
        StringAssert.Contains(compiled.Issues[0].Message, "exceeds limit");
    }

    [TestMethod]
    public void InvalidUtf8AndNulBytesAreValuesNotCrashes()
    {
        Assert.AreEqual("invalid UTF-8 in bytes, cannot convert to string", Error("string(b'\\xff\\xfe')"));
        Assert.AreEqual(3L, Run("'a\\x00b'.size()"));
        Assert.AreEqual(true, Run("'a\\x00b'.contains('\\x00')"));
    }

    [TestMethod]
    public void IntegerEdgesAreErrorsNotExceptions()
    {
        Assert.AreEqual("integer overflow", Error("-9223372036854775808 / -1"));
        Assert.AreEqual("integer overflow", Error("-9223372036854775808 % -1"));
        Assert.AreEqual("integer overflow", Error("9223372036854775807 + 1"));
        Assert.AreEqual("division by zero", Error("1 / 0"));
    }

    [TestMethod]
    public void DeeplyNestedDataIsAnErrorValueNotAStackOverflow()
    {
        object left = "leaf", right = "leaf";
        for (var i = 0; i < 100_000; i++)
        {
            left = new Dictionary<string, object?> { ["a"] = left };
            right = new List<object?> { right };
        }
        var variables = new Dictionary<string, object?> { ["o"] = left, ["l"] = right };
        Assert.AreEqual(true, Run("has(o.a.a.a) && o.a.a.a.a != 'x'", variables));
        StringAssert.Contains(Error("o.a == o", variables), "internal error");
        StringAssert.Contains(Error("l[0] == l", variables), "internal error");
    }
}
