using System.Text.Json;
using System.Text.Json.Nodes;
using static ImageGate.Cel.Tests.Engine.EvalHelper;

namespace ImageGate.Cel.Tests.Engine;

/// <summary>The host-facing API: JSON activations, host functions and object types, lazy variables, checking, threads.</summary>
[TestClass]
public sealed class HostApiTests
{
    private const string PodJson = """
        {"metadata": {"name": "web", "labels": {"prod": "true"}},
         "spec": {"replicas": 3, "ratio": 0.5, "containers": [
           {"name": "a", "image": "ghcr.io/acme/a:1", "ports": [{"containerPort": 8080}]},
           {"name": "b", "image": "registry.k8s.io/pause:3.9", "securityContext": null}]}}
        """;

    private const string Expr =
        "object.spec.containers.all(c, c.image.startsWith('ghcr.io/') || c.image.startsWith('registry.k8s.io/')) && object.spec.replicas + 1 == 4 " +
        "&& type(object.spec.replicas) == int && object.spec.ratio == 0.5 && has(object.spec.containers[1].securityContext) " +
        "&& object.spec.containers[1].securityContext == null && object.metadata.labels.prod == 'true' && object.spec.containers[0].ports[0].containerPort == 8080";

    [TestMethod]
    public void JsonNodeAndJsonElementAreReadInPlace()
    {
        var node = JsonNode.Parse(PodJson);
        IsTrue(Expr, new Dictionary<string, object?> { ["object"] = node });
        using var doc = JsonDocument.Parse(PodJson);
        IsTrue(Expr, new Dictionary<string, object?> { ["object"] = doc.RootElement });
        StringAssert.Contains(Error("object.spec.missing", new Dictionary<string, object?> { ["object"] = doc.RootElement }), "no such key: missing");
    }

    [TestMethod]
    public void ResultsConvertToJson()
    {
        var v = Eval("{'a': [1, 2u, 2.5, 'x', true, null], 'b': timestamp('2024-01-01T00:00:00Z')}");
        Assert.AreEqual("""{"a":[1,2,2.5,"x",true,null],"b":"2024-01-01T00:00:00Z"}""", Values.ToJson(v)!.ToJsonString());
    }

    private sealed class Image(string reference) : ICelObject
    {
        public static readonly CelType Type = CelType.Opaque("kyverno.image");
        public string Reference { get; } = reference;
        public CelType CelType => Type;

        public bool TryGetField(string name, out object? value)
        {
            value = name == "reference" ? Reference : null;
            return value != null;
        }
    }

    private static CelEnvironment ImageEnv()
    {
        var env = new CelEnvironment();
        env.AddObjectType(new CelObjectType(Image.Type, new Dictionary<string, CelType> { ["reference"] = CelType.String }));
        env.AddFunction("image", "image_string", [CelType.String], Image.Type, a => new Image((string)a[0]));
        env.AddMemberFunction("registry", "image_registry", Image.Type, [], CelType.String, a => ((Image)a[0]).Reference.Split('/')[0]);
        env.AddMemberFunction("Registry", "image_Registry", Image.Type, [], CelType.String, a => ((Image)a[0]).Reference.Split('/')[0]);
        env.AddFunction("describe", "describe_int", [CelType.Int], CelType.String, a => "int");
        env.AddFunction("describe", "describe_string", [CelType.String], CelType.String, a => "string");
        env.AddMemberFunction("describe", "string_describe_int", CelType.String, [CelType.Int], CelType.String, a => $"{a[0]}:{a[1]}");
        env.DeclareVariable("images", CelType.List(CelType.String));
        return env;
    }

    [TestMethod]
    public void HostFunctionsOverloadsAndObjectTypes()
    {
        var env = ImageEnv();
        var vars = new Dictionary<string, object?> { ["images"] = new[] { "ghcr.io/a/b:1", "docker.io/c:2" } };
        IsTrue("image('ghcr.io/a/b:1').registry() == 'ghcr.io' && image('ghcr.io/a').Registry() == 'ghcr.io'", env: env);
        IsTrue("image('x/y').reference == 'x/y' && has(image('x/y').reference)", env: env);
        IsTrue("describe(size('ab')) == 'int' && describe('a') == 'string' && 'a'.describe(2) == 'a:2'", env: env);
        IsTrue("images.map(i, image(i).registry()) == ['ghcr.io', 'docker.io']", vars, env);
        IsTrue("type(image('a')) == type(image('b'))", env: env);
        var bad = env.Compile("image('a').nope");
        Assert.IsFalse(bad.Success);
        StringAssert.Contains(bad.ErrorText, "undefined field 'nope'");
        var noOverload = env.Compile("describe(1.5)");
        StringAssert.Contains(noOverload.ErrorText, "found no matching overload for 'describe' applied to '(double)'");
    }

    [TestMethod]
    public void LazyVariablesAreComputedOncePerActivationAndOnlyWhenUsed()
    {
        var calls = 0;
        var env = Env(("variables", CelType.Dyn), ("unused", CelType.Dyn));
        var program = env.Compile("variables.a + variables.a == 2").Program!;
        var activation = new Activation(new Dictionary<string, object?>
        {
            ["variables"] = (Func<object?>)(() => { calls++; return new Dictionary<string, object?> { ["a"] = 1L }; }),
            ["unused"] = (Func<object?>)(() => throw new InvalidOperationException("must not be evaluated")),
        });
        Assert.AreEqual(true, program.Evaluate(activation));
        Assert.AreEqual(true, program.Evaluate(activation));
        Assert.AreEqual(1, calls);
    }

    [TestMethod]
    public void CheckerReportsPositionsAndOutputTypes()
    {
        var env = Env(("object", CelType.Map(CelType.String, CelType.Dyn)));
        var r = env.Compile("object.metadata.name == 'x' &&\n  noSuchFn(1)");
        Assert.IsFalse(r.Success);
        Assert.AreEqual(2, r.Issues[0].Line);
        Assert.AreEqual(11, r.Issues[0].Column);
        Assert.AreEqual("ERROR: <input>:2:11: undeclared reference to 'noSuchFn' (in container '')\n |   noSuchFn(1)\n | ..........^", r.Issues[0].ToDisplayString());
        StringAssert.Contains(env.Compile("1 + 'a'").ErrorText, "found no matching overload for '_+_' applied to '(int, string)'");
        StringAssert.Contains(env.Compile("undeclared.x").ErrorText, "undeclared reference to 'undeclared'");
        var syntax = env.Compile("object.(");
        Assert.IsFalse(syntax.Success);
        Assert.AreEqual(1, syntax.Issues[0].Line);
        Assert.AreEqual(8, syntax.Issues[0].Column);

        Assert.IsTrue(env.Compile("has(object.metadata) && object.metadata.name == 'x'", CelType.Bool).Success);
        var dyn = env.Compile("object.metadata.labels", CelType.Bool);
        StringAssert.Contains(dyn.ErrorText, "output is expected to be of type 'bool' but found 'dyn'");
        Assert.IsTrue(env.Compile("'name: ' + string(object.metadata.name)", CelType.String).Success);
        Assert.AreEqual(CelType.List(CelType.String), env.Compile("['a'].map(x, x + 'b')").OutputType);
        var homogeneous = new CelEnvironment(new CelOptions { HomogeneousAggregateLiterals = true });
        Assert.IsFalse(homogeneous.Compile("[1, 'a']").Success);
        Assert.IsTrue(homogeneous.Compile("[1, dyn('a')]").Success);
    }

    [TestMethod]
    public void ProgramsAreSafeToShareBetweenThreads()
    {
        var env = Env(("object", CelType.Dyn));
        var program = env.Compile("object.items.map(i, i * 2).filter(x, x > 2).size() == object.expected").Program!;
        var failures = 0;
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var n = (t + i) % 7;
                var items = Enumerable.Range(0, n).Select(x => (object?)(long)x).ToList();
                var vars = new Dictionary<string, object?> { ["object"] = new Dictionary<string, object?> { ["items"] = items, ["expected"] = (long)Math.Max(0, n - 2) } };
                if (program.Evaluate(vars) is not true) Interlocked.Increment(ref failures);
            }
        });
        Assert.AreEqual(0, failures);
    }
}

[TestClass]
public sealed class ErrorLocationTests
{
    [TestMethod]
    public void RuntimeErrorsPointAtTheFailingSubexpression()
    {
        var env = new CelEnvironment().DeclareVariable("o", CelType.Dyn);
        var program = env.Compile("o.a == 1 &&\n  o.b / o.c > 2").Program!;
        var v = program.Evaluate(new Dictionary<string, object?> { ["o"] = new Dictionary<string, object?> { ["a"] = 1L, ["b"] = 4L, ["c"] = 0L } });
        var error = (CelError)v;
        var issue = program.Locate(error);
        Assert.IsNotNull(issue);
        Assert.AreEqual("division by zero", issue.Message);
        Assert.AreEqual(2, issue.Line);
        Assert.AreEqual(7, issue.Column);
        var missing = (CelError)program.Evaluate(new Dictionary<string, object?> { ["o"] = new Dictionary<string, object?>() });
        Assert.AreEqual("no such key: a", missing.Message);
        Assert.AreEqual(1, program.Locate(missing)!.Line);
    }
}

[TestClass]
public sealed class HostCollectionTests
{
    [TestMethod]
    public void TypedDotNetCollectionsAndPrimitivesAreAdapted()
    {
        var vars = new Dictionary<string, object?>
        {
            ["labels"] = new Dictionary<string, string> { ["app"] = "web" },
            ["ports"] = new List<int> { 80, 443 },
            ["names"] = new[] { "a", "b" },
            ["ratio"] = 0.5f,
            ["count"] = 3,
            ["when"] = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
            ["ttl"] = TimeSpan.FromMinutes(90),
            ["data"] = new byte[] { 1, 2 },
        };
        EvalHelper.IsTrue(
            "labels.app == 'web' && 'app' in labels && ports.exists(p, p == 443) && names[1] == 'b' && ratio == 0.5 " +
            "&& count + 1 == 4 && type(count) == int && when.getFullYear() == 2024 && ttl == duration('90m') && size(data) == 2", vars);
    }
}

[TestClass]
public sealed class MemoisedSelectionTests
{
    [TestMethod]
    public void RepeatedSelectionsOnComprehensionVariablesKeepCelSemantics()
    {
        var shared = new Dictionary<string, object?> { ["a"] = new Dictionary<string, object?> { ["b"] = 1L } };
        var vars = new Dictionary<string, object?>
        {
            ["items"] = new List<object?> { shared, new Dictionary<string, object?>(), shared, new Dictionary<string, object?> { ["a"] = 5L } },
        };
        EvalHelper.IsTrue("items.map(i, has(i.a) && type(i.a) == map && has(i.a.b) ? i.a.b : 0) == [1, 0, 1, 0]", vars);
        StringAssert.Contains(EvalHelper.Error("items.map(i, has(i.a) && has(i.a.b))", vars), "invalid type");
        EvalHelper.IsTrue("items.filter(i, has(i.a)).size() == 3 && items.exists(i, i.a == 5)", vars);
        StringAssert.Contains(EvalHelper.Error("items.all(i, i.a.b == 1)", vars), "no such key: a");
        StringAssert.Contains(EvalHelper.Error("[dyn(1)].all(i, has(i.a))"), "invalid type");
        EvalHelper.IsTrue("[{'x': 1}, {'x': 2}].map(m, m.x + m.x) == [2, 4]");
    }
}
