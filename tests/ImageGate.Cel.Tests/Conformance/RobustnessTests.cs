namespace ImageGate.Cel.Tests.Conformance;

/// <summary>Malformed input never crashes the engine: every conformance expression cut at every position yields an issue or an error value.</summary>
[TestClass]
public sealed class RobustnessTests
{
    [TestMethod]
    public void TruncatedConformanceExpressionsNeverThrow()
    {
        var env = new CelEnvironment(new CelOptions { TypeCheck = false, AllowUndeclaredVariables = true, CostLimit = 100_000 });
        var checkedEnv = new CelEnvironment(new CelOptions { CostLimit = 100_000 });
        var exprs = CelSpecData.ConformanceCases().Select(c => c.Expr).Distinct().ToList();
        var cuts = 0;
        var rejected = 0;
        foreach (var expr in exprs)
        {
            for (var len = 0; len < expr.Length; len++)
            {
                var text = expr[..len];
                cuts++;
                foreach (var e in new[] { env, checkedEnv })
                {
                    CelCompileResult compiled;
                    try
                    {
                        compiled = e.Compile(text);
                    }
                    catch (Exception ex)
                    {
                        Assert.Fail($"compile threw {ex.GetType().Name} for [{text}]: {ex.Message}");
                        return;
                    }
                    if (!compiled.Success)
                    {
                        if (ReferenceEquals(e, env)) rejected++;
                        Assert.IsNotEmpty(compiled.Issues, $"no issue reported for [{text}]");
                        Assert.IsGreaterThan(0, compiled.Issues[0].Line);
                        continue;
                    }
                    try
                    {
                        _ = compiled.Program!.Evaluate(Activation.Empty);
                    }
                    catch (Exception ex)
                    {
                        Assert.Fail($"evaluation threw {ex.GetType().Name} for [{text}]: {ex.Message}");
                    }
                }
            }
        }
        Console.WriteLine($"truncated expressions: {cuts}, rejected by the parser: {rejected}");
        Assert.IsGreaterThan(cuts / 2, rejected, "most truncated expressions should be syntax errors");
    }

    [TestMethod]
    public void DeepNestingIsRejectedWithAPositionedError()
    {
        var env = new CelEnvironment();
        var deep = new string('(', 5000) + "1" + new string(')', 5000);
        var r = env.Compile(deep);
        Assert.IsFalse(r.Success);
        StringAssert.Contains(r.Issues[0].Message, "recursion limit");
        var list = new string('[', 300) + new string(']', 300);
        Assert.IsFalse(env.Compile(list).Success);
        var chain = string.Join(" + ", Enumerable.Repeat("1", 100_000));
        var big = env.Compile(chain);
        Assert.IsFalse(big.Success);
        StringAssert.Contains(big.Issues[0].Message, "exceeds limit");
    }
}
