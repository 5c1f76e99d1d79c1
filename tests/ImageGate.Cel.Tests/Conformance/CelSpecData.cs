using System.Diagnostics;
using System.Text.Json.Nodes;
using ImageGate.TestSupport;

namespace ImageGate.Cel.Tests.Conformance;

/// <summary>Loads the test data modules of the npm package @bufbuild/cel-spec (installed by tests/setup.d/20-cel-spec.sh) as JSON.</summary>
internal static class CelSpecData
{
    private static readonly Dictionary<string, JsonNode> Cache = [];
    private static readonly Lock CacheLock = new();

    public static string PackageDir => RepoPaths.Combine("tests", "fixtures", "cel-spec");

    /// <summary>Returns the <c>tests</c> export of <c>@bufbuild/cel-spec/testdata/NAME.js</c>.</summary>
    public static JsonNode Load(string name)
    {
        lock (CacheLock)
        {
            if (Cache.TryGetValue(name, out var cached)) return cached;
            var module = Path.Combine(PackageDir, "node_modules", "@bufbuild", "cel-spec", "dist", "cjs", "testdata", name + ".js");
            if (!File.Exists(module))
                Assert.Fail($"CEL conformance data is missing ({module}); run `bash tests/setup.sh`.");
            var outFile = Path.Combine(RepoPaths.TestWork, "cel-spec-" + name + ".json");
            if (!File.Exists(outFile) || File.GetLastWriteTimeUtc(outFile) < File.GetLastWriteTimeUtc(module))
            {
                var psi = new ProcessStartInfo("node")
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                    WorkingDirectory = PackageDir,
                };
                psi.ArgumentList.Add("-e");
                psi.ArgumentList.Add("require('fs').writeFileSync(process.argv[1], JSON.stringify(require(process.argv[2]).tests))");
                psi.ArgumentList.Add(outFile + ".tmp");
                psi.ArgumentList.Add(module);
                using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start node");
                var err = p.StandardError.ReadToEnd();
                p.WaitForExit(60_000);
                if (p.ExitCode != 0) Assert.Fail($"node could not read {module}: {err} (run `bash tests/setup.sh`)");
                File.Move(outFile + ".tmp", outFile, overwrite: true);
            }
            var node = JsonNode.Parse(File.ReadAllText(outFile)) ?? throw new InvalidDataException(outFile);
            Cache[name] = node;
            return node;
        }
    }

    /// <summary>One test case with the path of suites that leads to it.</summary>
    public sealed record Case(string File, string Section, string Name, JsonObject Test)
    {
        public JsonObject Original => Test["original"]!.AsObject();
        public string Expr => (string)Original["expr"]!;
        public string Key => $"{File}/{Section}/{Name}";
    }

    /// <summary>All cases of the conformance module, grouped by top-level file.</summary>
    public static List<Case> ConformanceCases()
    {
        var root = Load("conformance");
        var list = new List<Case>();
        foreach (var file in root["suites"]!.AsArray())
        {
            var fileName = (string)file!["name"]!;
            foreach (var section in file["suites"]?.AsArray() ?? [])
            {
                var sectionName = (string)section!["name"]!;
                foreach (var t in section["tests"]?.AsArray() ?? [])
                    list.Add(new Case(fileName, sectionName, (string)t!["original"]!["name"]!, t.AsObject()));
            }
            foreach (var t in file["tests"]?.AsArray() ?? [])
                list.Add(new Case(fileName, "", (string)t!["original"]!["name"]!, t.AsObject()));
        }
        return list;
    }
}
