using ImageGate.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Cli.Tests.Packaging;

/// <summary>The structure of the Dockerfile (no container engine runs the tests) and of the CI and release workflows.</summary>
[TestClass]
public sealed class ContainerAndReleaseTests
{
    private sealed record Stage(string Base, string Name, List<string> Instructions);

    /// <summary>The Dockerfile's stages in order, each with its instructions (continuation lines joined, comments dropped).</summary>
    private static List<Stage> Stages()
    {
        var stages = new List<Stage>();
        var logical = new List<string>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(RepoPaths.Combine("Dockerfile")))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            logical.Add(pending + line);
            pending = "";
        }
        foreach (var line in logical)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0] == "FROM")
            {
                Assert.IsTrue(words.Length == 4 && words[2] == "AS", $"every stage is named: '{line}'");
                stages.Add(new Stage(words[1], words[3], []));
            }
            else
            {
                Assert.IsTrue(stages.Count > 0, $"instruction before the first FROM: '{line}'");
                stages[^1].Instructions.Add(line);
            }
        }
        return stages;
    }

    private static string? Last(Stage stage, string instruction) =>
        stage.Instructions.LastOrDefault(i => i.StartsWith(instruction + " ", StringComparison.Ordinal))?[(instruction.Length + 1)..];

    [TestMethod]
    public void DockerfileBuildsTheBinaryAndCopiesItOntoASmallBase()
    {
        var stages = Stages();
        CollectionAssert.AreEqual(new[] { "build", "base", "action", "runtime" }, stages.Select(s => s.Name).ToArray());
        var build = stages[0];
        StringAssert.StartsWith(build.Base, "mcr.microsoft.com/dotnet/sdk:10.0");
        Assert.IsTrue(build.Instructions.Any(i => i.StartsWith("RUN bash scripts/publish.sh", StringComparison.Ordinal)), "the build stage publishes with scripts/publish.sh");
        var runtimeBase = stages[1];
        StringAssert.StartsWith(runtimeBase.Base, "mcr.microsoft.com/dotnet/runtime-deps:10.0", "the runtime needs no .NET runtime, only its native dependencies");
        Assert.AreEqual("--from=build /src/artifacts/imagegate/ /usr/local/bin/", Last(runtimeBase, "COPY"), "the published folder holds only what runs");
        Assert.AreEqual("[\"/usr/local/bin/imagegate\"]", Last(runtimeBase, "ENTRYPOINT"), "exec form: arguments from action.yml reach imagegate unchanged");
        Assert.IsTrue(File.Exists(RepoPaths.Combine("scripts", "publish.sh")));
    }

    [TestMethod]
    public void DefaultImageRunsAsANonRootUserAndTheActionImageAsRoot()
    {
        var stages = Stages();
        var runtime = stages[^1];
        Assert.AreEqual("runtime", runtime.Name, "the last stage is the default build target");
        Assert.AreEqual("base", runtime.Base);
        Assert.AreEqual("$APP_UID", Last(runtime, "USER"), "the general-purpose image runs as the base image's non-root user");
        var action = stages.Single(s => s.Name == "action");
        Assert.AreEqual("base", action.Base);
        Assert.AreEqual("0:0", Last(action, "USER"), "GitHub runs container actions as root so they can write the workspace and file commands");
        Assert.IsNull(Last(action, "WORKDIR"), "GitHub sets --workdir /github/workspace itself");
    }

    [TestMethod]
    public void DockerignoreKeepsBuildOutputOutOfTheContext()
    {
        var lines = File.ReadAllLines(RepoPaths.Combine(".dockerignore")).Select(l => l.Trim()).ToHashSet();
        foreach (var entry in new[] { ".git", "**/bin", "**/obj", "**/node_modules", "artifacts" })
        {
            Assert.Contains(entry, lines, $".dockerignore should list {entry}");
        }
    }

    private static YamlMappingNode Workflow(string name)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepoPaths.Combine(".github", "workflows", name));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode workflow) =>
        ((YamlMappingNode)workflow["jobs"]).Children.Values.Cast<YamlMappingNode>()
            .SelectMany(job => ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>());

    private static string? Get(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    [TestMethod]
    public void CiWorkflowRunsTheTestSuite()
    {
        var steps = Steps(Workflow("ci.yml")).ToList();
        Assert.IsTrue(steps.Any(s => Get(s, "run") == "bash .ci/run"), "ci.yml runs bash .ci/run");
        Assert.IsTrue(File.Exists(RepoPaths.Combine(".ci", "run")));
    }

    [TestMethod]
    public void ReleaseWorkflowPushesBothImagesAndPackagesEveryArtifact()
    {
        var workflow = Workflow("release.yml");
        var on = (YamlMappingNode)workflow["on"];
        Assert.IsTrue(on.Children.ContainsKey(new YamlScalarNode("push")), "released on a pushed tag");
        var steps = Steps(workflow).ToList();
        var builds = steps.Where(s => Get(s, "uses")?.StartsWith("docker/build-push-action@", StringComparison.Ordinal) == true)
            .Select(s => (YamlMappingNode)s["with"]).ToList();
        CollectionAssert.AreEquivalent(new[] { "action", "runtime" }, builds.Select(b => Get(b, "target")).ToArray());
        Assert.IsTrue(builds.All(b => Get(b, "push") == "true"));
        Assert.IsTrue(builds.Any(b => Get(b, "tags")!.Contains("-action", StringComparison.Ordinal)), "the action image is tagged <version>-action, as action.yml names it");
        var runs = string.Join("\n", steps.Select(s => Get(s, "run") ?? ""));
        StringAssert.Contains(runs, "bash scripts/publish.sh");
        StringAssert.Contains(runs, "bash scripts/package-azure-task.sh");
        StringAssert.Contains(runs, "bash scripts/check-packaging.sh");
        StringAssert.Contains(runs, "gh release create");
    }
}
