using System.Text;
using ImageGate.TestSupport;

namespace ImageGate.Cel.Tests.Conformance;

/// <summary>
/// The cel-spec simple conformance tests (npm @bufbuild/cel-spec). Every case that does not pass is listed with its
/// reason in Conformance/skipped.txt; set CEL_SPEC_WRITE_SKIPS=1 to rewrite that list after a change.
/// </summary>
[TestClass]
public sealed class ConformanceTests
{
    private const double RequiredRate = 0.99;
    private static readonly Lazy<List<ConformanceRunner.Result>> Results = new(() => CelSpecData.ConformanceCases().Select(ConformanceRunner.Run).ToList());

    public TestContext TestContext { get; set; } = null!;

    private static string SkipFile => RepoPaths.Combine("tests", "ImageGate.Cel.Tests", "Conformance", "skipped.txt");

    private static Dictionary<string, string> ReadSkips()
    {
        var d = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(SkipFile))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var tab = line.IndexOf('\t');
            Assert.IsGreaterThan(0, tab, $"skipped.txt line without a reason: {line}");
            d[line[..tab]] = line[(tab + 1)..];
        }
        return d;
    }

    private static bool IsListed(Dictionary<string, string> skips, CelSpecData.Case c) =>
        skips.ContainsKey(c.Key) || skips.ContainsKey(c.File + "/*");

    public static IEnumerable<object[]> Files() => CelSpecData.ConformanceCases().Select(c => c.File).Distinct().Select(f => new object[] { f });

    [TestMethod]
    public void OverallPassRateMeetsTarget()
    {
        var results = Results.Value;
        if (Environment.GetEnvironmentVariable("CEL_SPEC_WRITE_SKIPS") == "1") WriteSkips(results);
        var sb = new StringBuilder();
        foreach (var g in results.GroupBy(r => r.Case.File))
        {
            var relevant = g.Where(r => r.Outcome != ConformanceRunner.Outcome.NeedsProto).ToList();
            sb.AppendLine($"cel-spec {g.Key}: {relevant.Count(r => r.Outcome == ConformanceRunner.Outcome.Passed)}/{relevant.Count} (protobuf tests not run: {g.Count() - relevant.Count})");
        }
        var nonProto = results.Where(r => r.Outcome != ConformanceRunner.Outcome.NeedsProto).ToList();
        var passed = nonProto.Count(r => r.Outcome == ConformanceRunner.Outcome.Passed);
        var rate = (double)passed / nonProto.Count;
        sb.AppendLine($"cel-spec overall: {passed}/{nonProto.Count} = {rate:P2} of the tests that need no protobuf message types (all tests: {results.Count})");
        TestContext.WriteLine(sb.ToString());
        Console.WriteLine(sb.ToString());
        Assert.IsGreaterThan(2000, results.Count, "the conformance data looks truncated");
        Assert.IsGreaterThanOrEqualTo(RequiredRate, rate, sb.ToString());
    }

    [TestMethod]
    [DynamicData(nameof(Files))]
    public void FilePassesExceptListedCases(string file)
    {
        var skips = ReadSkips();
        var results = Results.Value.Where(r => r.Case.File == file).ToList();
        var relevant = results.Where(r => r.Outcome != ConformanceRunner.Outcome.NeedsProto).ToList();
        var passed = relevant.Count(r => r.Outcome == ConformanceRunner.Outcome.Passed);
        TestContext.WriteLine($"cel-spec {file}: {passed}/{relevant.Count}");
        var unlisted = results.Where(r => r.Outcome != ConformanceRunner.Outcome.Passed && !IsListed(skips, r.Case))
            .Select(r => $"{r.Case.Key}: {r.Outcome}: {r.Detail} [{r.Case.Expr}]").ToList();
        Assert.IsEmpty(unlisted, "cases that fail or are skipped without a listed reason:\n" + string.Join("\n", unlisted));
        var stale = results.Where(r => r.Outcome == ConformanceRunner.Outcome.Passed && skips.ContainsKey(r.Case.Key)).Select(r => r.Case.Key).ToList();
        Assert.IsEmpty(stale, "listed as skipped but passing now (remove from skipped.txt):\n" + string.Join("\n", stale));
    }

    private static void WriteSkips(List<ConformanceRunner.Result> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# cel-spec conformance cases that are not run or do not pass, with the reason. One line per case:");
        sb.AppendLine("# <file>/<section>/<name> TAB <reason>, or <file>/* TAB <reason> for a whole file.");
        foreach (var f in ConformanceRunner.ProtoFiles.Order()) sb.Append(f).Append("/*\tneeds protobuf message types\n");
        foreach (var r in results.Where(r => r.Outcome != ConformanceRunner.Outcome.Passed && !ConformanceRunner.ProtoFiles.Contains(r.Case.File)))
        {
            var reason = r.Outcome switch
            {
                ConformanceRunner.Outcome.NeedsProto => "needs protobuf: " + r.Detail,
                ConformanceRunner.Outcome.Unsupported => "not supported: " + r.Detail,
                _ => "known failure: " + r.Detail,
            };
            sb.Append(r.Case.Key).Append('\t').Append(reason.ReplaceLineEndings(" ")).Append('\n');
        }
        File.WriteAllText(SkipFile, sb.ToString());
    }
}
