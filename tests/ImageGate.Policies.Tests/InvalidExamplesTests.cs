using ImageGate.Policies.Loading;
using ImageGate.Policies.Validation;
using ImageGate.TestSupport;

namespace ImageGate.Policies.Tests;

/// <summary>Each file in examples/policies/invalid states the diagnostics it must produce in
/// <c># expect: SEVERITY CODE PATH LINE:COLUMN</c> comments.</summary>
[TestClass]
public sealed class InvalidExamplesTests
{
    private static string Folder => RepoPaths.Combine("tests", "fixtures", "policies", "invalid");

    public static IEnumerable<object[]> Files =>
        Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    public void FolderHasOneFilePerRule() => Assert.IsGreaterThanOrEqualTo(20, Files.Count());

    [TestMethod]
    [DynamicData(nameof(Files))]
    public void ProducesExactlyTheExpectedErrors(string name)
    {
        var path = Path.Combine(Folder, name);
        var expected = File.ReadLines(path)
            .Where(l => l.StartsWith("# expect: ", StringComparison.Ordinal))
            .Select(l => l["# expect: ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        Assert.IsNotEmpty(expected, $"{name} has no '# expect:' line");

        var result = PolicyLoader.LoadFile(path);

        Assert.IsEmpty(result.Policies, "an invalid policy must not be loaded");
        Assert.IsEmpty(result.Exceptions, "an invalid exception must not be loaded");
        var actual = result.Errors.Select(Describe).ToList();
        var wanted = expected.Select(e => $"{e[0]} {e[1]} {(e[2] == "-" ? "" : e[2])} {e[3]}").ToList();
        CollectionAssert.AreEquivalent(wanted, actual, "got:\n" + string.Join("\n", result.Diagnostics));
        foreach (var error in result.Errors)
        {
            Assert.AreEqual(path, error.Span.File);
            StringAssert.StartsWith(error.ToString(), $"{path}:{error.Span.Line}:{error.Span.Column}: error: ");
        }
    }

    private static string Describe(PolicyDiagnostic d) =>
        $"{d.Severity.ToString().ToLowerInvariant()} {d.Code} {d.Path} {d.Span.Line}:{d.Span.Column}";
}
