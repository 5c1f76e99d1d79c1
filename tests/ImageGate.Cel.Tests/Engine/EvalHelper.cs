namespace ImageGate.Cel.Tests.Engine;

internal static class EvalHelper
{
    public static CelEnvironment Env(params (string Name, CelType Type)[] vars)
    {
        var env = new CelEnvironment();
        foreach (var (n, t) in vars) env.DeclareVariable(n, t);
        return env;
    }

    /// <summary>Compiles (failing the test on compile errors) and evaluates.</summary>
    public static object Eval(string expr, IReadOnlyDictionary<string, object?>? vars = null, CelEnvironment? env = null)
    {
        env ??= Env(vars?.Keys.Select(k => (k, CelType.Dyn)).ToArray() ?? []);
        var r = env.Compile(expr);
        Assert.IsTrue(r.Success, $"[{expr}] did not compile: {r.ErrorText}");
        return r.Program!.Evaluate(vars ?? new Dictionary<string, object?>());
    }

    public static void IsTrue(string expr, IReadOnlyDictionary<string, object?>? vars = null, CelEnvironment? env = null)
    {
        var v = Eval(expr, vars, env);
        Assert.AreEqual(true, v, $"[{expr}] gave {Values.Describe(v)}");
    }

    public static string Error(string expr, IReadOnlyDictionary<string, object?>? vars = null, CelEnvironment? env = null)
    {
        var v = Eval(expr, vars, env);
        Assert.IsInstanceOfType<CelError>(v, $"[{expr}] gave {Values.Describe(v)} instead of an error");
        return ((CelError)v).Message;
    }
}
