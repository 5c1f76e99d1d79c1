using BenchmarkDotNet.Attributes;
using ImageGate.Cel;

namespace ImageGate.Benchmarks;

/// <summary>The reference policy expression over a 10-container Pod: evaluation, and parse+check+plan.</summary>
[MemoryDiagnoser]
public class CelPolicyBenchmarks
{
    /// <summary>The 468-character reference policy.</summary>
    public const string Policy =
        "object.spec.containers.all(c, has(c.securityContext) && c.securityContext.runAsNonRoot == true && c.securityContext.allowPrivilegeEscalation == false && !c.image.endsWith(':latest') && (c.image.startsWith('ghcr.io/') || c.image.startsWith('registry.k8s.io/')) && has(c.resources) && has(c.resources.limits) && c.resources.limits.memory != '') && has(object.metadata.labels) && object.metadata.labels.prod == 'true' && object.spec.containers.map(c, c.name).size() == 10";

    private CelEnvironment _env = null!;
    private Dictionary<string, object?> _pod = null!;
    private CelProgram _program = null!;
    private Activation _activation = null!;

    /// <summary>Builds the Pod of the reference benchmark as dictionaries and lists.</summary>
    public static Dictionary<string, object?> Pod()
    {
        var containers = new List<object?>();
        for (var i = 0; i < 10; i++)
        {
            containers.Add(new Dictionary<string, object?>
            {
                ["name"] = $"c{i}",
                ["image"] = i % 2 == 0 ? $"ghcr.io/acme/app{i}:1.{i}.0" : $"registry.k8s.io/pause{i}:3.9",
                ["imagePullPolicy"] = "IfNotPresent",
                ["securityContext"] = new Dictionary<string, object?>
                {
                    ["runAsNonRoot"] = true,
                    ["allowPrivilegeEscalation"] = false,
                    ["readOnlyRootFilesystem"] = true,
                    ["capabilities"] = new Dictionary<string, object?> { ["drop"] = new List<object?> { "ALL" } },
                },
                ["resources"] = new Dictionary<string, object?>
                {
                    ["limits"] = new Dictionary<string, object?> { ["cpu"] = "500m", ["memory"] = "128Mi" },
                    ["requests"] = new Dictionary<string, object?> { ["cpu"] = "100m", ["memory"] = "64Mi" },
                },
                ["ports"] = new List<object?> { new Dictionary<string, object?> { ["containerPort"] = 8080L + i, ["protocol"] = "TCP" } },
                ["env"] = new List<object?>
                {
                    new Dictionary<string, object?> { ["name"] = "A", ["value"] = "1" },
                    new Dictionary<string, object?> { ["name"] = "B", ["value"] = "2" },
                },
            });
        }
        return new Dictionary<string, object?>
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new Dictionary<string, object?>
            {
                ["name"] = "web-0",
                ["namespace"] = "default",
                ["labels"] = new Dictionary<string, object?> { ["prod"] = "true", ["app"] = "web", ["team"] = "a" },
                ["annotations"] = new Dictionary<string, object?> { ["note"] = "x" },
            },
            ["spec"] = new Dictionary<string, object?> { ["containers"] = containers },
        };
    }

    /// <summary>The environment used by the benchmark: <c>object</c> declared as a JSON-like map.</summary>
    public static CelEnvironment Environment() =>
        new CelEnvironment().DeclareVariable("object", CelType.Map(CelType.String, CelType.Dyn));

    [GlobalSetup]
    public void Setup()
    {
        _env = Environment();
        _program = _env.Compile(Policy).Program ?? throw new InvalidOperationException("policy does not compile");
        _pod = Pod();
        _activation = new Activation(new Dictionary<string, object?> { ["object"] = _pod });
        if (_program.Evaluate(_activation) is not true) throw new InvalidOperationException("policy must evaluate to true");
    }

    [Benchmark]
    public object Evaluate() => _program.Evaluate(_activation);

    /// <summary>The same policy written directly in C#: the floor for any interpreter on this machine.</summary>
    [Benchmark(Baseline = true)]
    public bool HandWritten() => HandWrittenPolicy(_pod);

    /// <summary>The reference policy as plain C# over the same data.</summary>
    public static bool HandWrittenPolicy(Dictionary<string, object?> pod)
    {
        var spec = (Dictionary<string, object?>)pod["spec"]!;
        var containers = (List<object?>)spec["containers"]!;
        foreach (var item in containers)
        {
            var c = (Dictionary<string, object?>)item!;
            if (!c.TryGetValue("securityContext", out var scObj)) return false;
            var sc = (Dictionary<string, object?>)scObj!;
            if (!Equals(sc["runAsNonRoot"], true) || !Equals(sc["allowPrivilegeEscalation"], false)) return false;
            var image = (string)c["image"]!;
            if (image.EndsWith(":latest", StringComparison.Ordinal)) return false;
            if (!image.StartsWith("ghcr.io/", StringComparison.Ordinal) && !image.StartsWith("registry.k8s.io/", StringComparison.Ordinal)) return false;
            if (!c.TryGetValue("resources", out var resObj)) return false;
            var res = (Dictionary<string, object?>)resObj!;
            if (!res.TryGetValue("limits", out var limObj)) return false;
            if ((string)((Dictionary<string, object?>)limObj!)["memory"]! == "") return false;
        }
        var metadata = (Dictionary<string, object?>)pod["metadata"]!;
        if (!metadata.TryGetValue("labels", out var labelsObj)) return false;
        if ((string?)((Dictionary<string, object?>)labelsObj!)["prod"] != "true") return false;
        return containers.Select(c => ((Dictionary<string, object?>)c!)["name"]).ToList().Count == 10;
    }

    [Benchmark]
    public CelProgram? ParseCheckPlan() => _env.Compile(Policy).Program;
}
