namespace ImageGate.Cel.Tests.Engine;

/// <summary>A cost budget shared by several evaluations: each draws from it on top of its own limit, nested
/// evaluations included, and once it is spent every evaluation returns an error value.</summary>
[TestClass]
public sealed class CostBudgetTests
{
    private const string Loop = "lists.range(1000).all(i, i >= 0)";

    private static CelProgram Compile(string expression, CelOptions? options = null)
    {
        var env = new CelEnvironment(options ?? new CelOptions()).DeclareVariable("v", CelType.Dyn);
        var result = env.Compile(expression);
        Assert.IsTrue(result.Success, result.ErrorText);
        return result.Program!;
    }

    /// <summary>What one evaluation of the program costs, read from a budget large enough for it.</summary>
    private static long CostOf(CelProgram program, IActivation? activation = null)
    {
        var budget = new CelCostBudget(long.MaxValue / 2);
        Assert.AreEqual(true, program.Evaluate(activation ?? Activation.Empty, budget));
        return budget.Spent;
    }

    private static string ErrorOf(object value)
    {
        Assert.IsInstanceOfType<CelError>(value, Values.Describe(value));
        return ((CelError)value).Message;
    }

    [TestMethod]
    public void EvaluationsShareTheBudgetUntilItIsSpent()
    {
        var program = Compile(Loop);
        var cost = CostOf(program);
        Assert.IsGreaterThan(1000L, cost, "the loop costs one unit per iteration at least");

        var budget = new CelCostBudget(3 * cost + cost / 2);
        for (var i = 0; i < 3; i++)
        {
            Assert.AreEqual(true, program.Evaluate(Activation.Empty, budget), $"evaluation {i} fits in the budget");
        }
        Assert.IsFalse(budget.Exhausted);
        Assert.IsFalse(budget.Stopped);
        Assert.AreEqual(3 * cost, budget.Spent);

        StringAssert.Contains(ErrorOf(program.Evaluate(Activation.Empty, budget)), $"the cost budget of {budget.Limit} shared by the evaluations was exceeded");
        Assert.IsTrue(budget.Exhausted);
        Assert.IsTrue(budget.Stopped);
        Assert.IsLessThanOrEqualTo(budget.Limit + 1, budget.Spent, "the evaluation stops at the first step over the budget");

        // A spent budget refuses even the cheapest expression, which costs nothing to evaluate.
        StringAssert.Contains(ErrorOf(Compile("true").Evaluate(Activation.Empty, budget)), "cost budget");
    }

    [TestMethod]
    public void ABudgetSpentExactlyIsNotExceeded()
    {
        var program = Compile(Loop);
        var cost = CostOf(program);
        var budget = new CelCostBudget(2 * cost);
        Assert.AreEqual(true, program.Evaluate(Activation.Empty, budget));
        Assert.AreEqual(true, program.Evaluate(Activation.Empty, budget));
        Assert.AreEqual(0L, budget.Remaining);
        Assert.IsFalse(budget.Exhausted);
        Assert.AreEqual(true, Compile("true").Evaluate(Activation.Empty, budget), "a free expression still fits");
        StringAssert.Contains(ErrorOf(program.Evaluate(Activation.Empty, budget)), "cost budget");
    }

    [TestMethod]
    public void TheExpressionLimitStillAppliesWithinALargeBudget()
    {
        var program = Compile(Loop, new CelOptions { CostLimit = 500 });
        var budget = new CelCostBudget();
        StringAssert.Contains(ErrorOf(program.Evaluate(Activation.Empty, budget)), "actual cost limit exceeded (limit 500)");
        Assert.IsFalse(budget.Exhausted, "the expression's own limit stopped it, not the budget");
        Assert.IsFalse(budget.Stopped);
        Assert.AreEqual(501L, budget.Spent, "what it spent is still charged");

        // With the expression's limit equal to the budget, a runaway expression spends both: its own limit is named.
        var equal = new CelCostBudget(500);
        StringAssert.Contains(ErrorOf(program.Evaluate(Activation.Empty, equal)), "actual cost limit exceeded (limit 500)");
        Assert.IsTrue(equal.Exhausted);
        Assert.IsFalse(equal.Stopped, "no evaluation was cut short by the budget");
        StringAssert.Contains(ErrorOf(program.Evaluate(Activation.Empty, equal)), "cost budget");
        Assert.IsTrue(equal.Stopped, "the next evaluation is refused");
    }

    [TestMethod]
    public void WithoutABudgetOnlyTheExpressionLimitCounts()
    {
        var program = Compile(Loop);
        for (var i = 0; i < 50; i++)
        {
            Assert.AreEqual(true, program.Evaluate(Activation.Empty));
        }
    }

    /// <summary>An object whose field is computed by evaluating another program with the same budget, the way
    /// policy variables are computed lazily inside the expression that reads them.</summary>
    private sealed class Lazy(CelProgram program, CelCostBudget budget, object? next) : ICelObject
    {
        public CelType CelType => CelType.Dyn;

        public bool TryGetField(string name, out object? value)
        {
            value = name == "value" ? program.Evaluate(new Activation(new Dictionary<string, object?> { ["v"] = next }), budget) : null;
            return value is not null;
        }
    }

    [TestMethod]
    public void NestedEvaluationsDrawFromTheSameBudget()
    {
        // Each level runs the loop, then reads the next level: ten levels nested inside each other.
        var level = Compile(Loop + " && (v == null || v.value)");
        var cost = CostOf(Compile(Loop));
        var budget = new CelCostBudget(3 * cost + cost / 2);
        object? chain = null;
        for (var i = 0; i < 10; i++)
        {
            chain = new Lazy(level, budget, chain);
        }
        var result = level.Evaluate(new Activation(new Dictionary<string, object?> { ["v"] = chain }), budget);
        StringAssert.Contains(ErrorOf(result), "cost budget");
        Assert.IsTrue(budget.Exhausted);
        Assert.IsLessThan(budget.Limit + cost / 10, budget.Spent, "nesting must not multiply the budget");
    }

    [TestMethod]
    public void AnOuterEvaluationResumesWithWhatTheNestedOneLeft()
    {
        var cost = CostOf(Compile(Loop));
        var budget = new CelCostBudget(3 * cost);
        // The nested evaluation spends two loops; the outer one needs two more after it: four in all.
        var inner = new Lazy(Compile(Loop + " && " + Loop), budget, null);
        var outer = Compile("v.value && " + Loop + " && " + Loop);
        var result = outer.Evaluate(new Activation(new Dictionary<string, object?> { ["v"] = inner }), budget);
        StringAssert.Contains(ErrorOf(result), "cost budget");
        Assert.IsLessThanOrEqualTo(budget.Limit + 1, budget.Spent);
    }

    [TestMethod]
    public void AnErrorAbsorbedByOrStillLeavesTheBudgetSpent()
    {
        var cost = CostOf(Compile(Loop));
        var budget = new CelCostBudget(cost / 2);
        var inner = new Lazy(Compile(Loop), budget, null);
        // `||` absorbs the nested error, so the value is true; the budget tells the caller it ran out.
        Assert.AreEqual(true, Compile("v.value || true").Evaluate(new Activation(new Dictionary<string, object?> { ["v"] = inner }), budget));
        Assert.IsTrue(budget.Exhausted);
        Assert.IsTrue(budget.Stopped);
    }

    [TestMethod]
    public void ANegativeBudgetIsRejected() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CelCostBudget(-1));
}
