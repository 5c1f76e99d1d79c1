using System.Text.RegularExpressions;
using ImageGate.Ci.Inputs;
using ImageGate.TestSupport;

namespace ImageGate.IntegrationTests.Examples;

/// <summary>The example GitHub workflows only use inputs and outputs that <c>imagegate scan</c> has, and ask for
/// no more permissions than they need.</summary>
[TestClass]
public sealed partial class ExampleWorkflowsTests
{
    private const string ActionStep = "uses: imagegate/imagegate@v1";

    /// <summary>The step outputs <c>scan</c> writes (see <c>ScanOutputs</c>).</summary>
    private static readonly string[] ScanOutputNames = ["result", "pass", "fail", "warn", "error", "skip", "blocking", "sarif", "pinned-images", "pinned-files"];

    public static IEnumerable<object[]> Workflows =>
        Directory.GetFiles(RepoPaths.Combine("examples", "github"), "*.yml").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    [DynamicData(nameof(Workflows))]
    public void ActionInputsAndOutputsExist(string file)
    {
        var lines = File.ReadAllLines(RepoPaths.Combine("examples", "github", file));
        var inputs = ActionInputs(lines);
        Assert.IsNotEmpty(inputs, $"{file} has no `{ActionStep}` step with inputs");
        var known = ScanInputResolver.Specs.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            Assert.Contains(input, known, $"{file}: input '{input}' is not an input of imagegate scan");
        }
        foreach (Match output in OutputReference().Matches(string.Join('\n', lines)))
        {
            CollectionAssert.Contains(ScanOutputNames, output.Groups[1].Value, $"{file}: output '{output.Groups[1].Value}' is not written by imagegate scan");
        }
    }

    [TestMethod]
    public void PullRequestWorkflowHasTheMinimalPermissions()
    {
        var text = File.ReadAllText(RepoPaths.Combine("examples", "github", "imagegate.yml"));
        var permissions = PermissionLine().Matches(text).Select(m => m.Groups[1].Value + ": " + m.Groups[2].Value).ToList();
        CollectionAssert.AreEquivalent(new[] { "contents: read", "pull-requests: write", "security-events: write" }, permissions);
        StringAssert.Contains(text, "uses: github/codeql-action/upload-sarif@v4");
        StringAssert.Contains(text, "category: imagegate");
    }

    [TestMethod]
    public void NightlyWorkflowRechecksInBackgroundMode()
    {
        var text = File.ReadAllText(RepoPaths.Combine("examples", "github", "imagegate-nightly.yml"));
        StringAssert.Contains(text, "schedule:");
        StringAssert.Contains(text, "mode: background");
        Assert.DoesNotContain("pull_request", text);
    }

    /// <summary>The keys of the <c>with:</c> block of the action step.</summary>
    private static List<string> ActionInputs(string[] lines)
    {
        var found = new List<string>();
        var step = Array.FindIndex(lines, l => l.Trim() == ActionStep || l.Trim() == "- " + ActionStep);
        if (step < 0)
        {
            return found;
        }
        var with = Array.FindIndex(lines, step, l => l.Trim() == "with:");
        var indent = lines[with].Length - lines[with].TrimStart().Length;
        foreach (var line in lines.Skip(with + 1))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            var lineIndent = line.Length - line.TrimStart().Length;
            if (lineIndent <= indent)
            {
                break;
            }
            if (lineIndent == indent + 2 && InputKey().Match(line) is { Success: true } key)
            {
                found.Add(key.Groups[1].Value);
            }
        }
        return found;
    }

    [GeneratedRegex(@"^\s*([a-z][a-z0-9-]*):")]
    private static partial Regex InputKey();

    [GeneratedRegex(@"steps\.imagegate\.outputs\.([a-z-]+)")]
    private static partial Regex OutputReference();

    [GeneratedRegex(@"(?m)^  (contents|pull-requests|security-events|issues|checks|statuses|actions|packages|id-token): (read|write|none)")]
    private static partial Regex PermissionLine();
}
