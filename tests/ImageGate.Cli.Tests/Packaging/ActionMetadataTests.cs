using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using ImageGate.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Cli.Tests.Packaging;

/// <summary>The GitHub Action's metadata (<c>action.yml</c>): the rules GitHub applies to it, defaults that
/// <c>imagegate scan</c> accepts, and one input per scan input.</summary>
[TestClass]
public sealed partial class ActionMetadataTests
{
    private static readonly string[] BooleanInputs = ["comment", "check-run", "pin-digests", "offline", "explain", "resolve-digests"];

    private static readonly string[] BrandingColors = ["white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"];

    private static YamlMappingNode Action()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepoPaths.Combine("action.yml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map
            ? map
            : throw new AssertFailedException($"action.yml: '{key}' is missing or not a mapping");

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? ((YamlScalarNode)child).Value : null;

    private static Dictionary<string, YamlMappingNode> Inputs() =>
        Map(Action(), "inputs").Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => (YamlMappingNode)kv.Value);

    [GeneratedRegex("^[a-z_][a-z0-9_-]*$")]
    private static partial Regex InputId();

    [TestMethod]
    public void RunsThePrebuiltImageOfThisVersionWithTheScanCommand()
    {
        var action = Action();
        Assert.IsFalse(string.IsNullOrWhiteSpace(Scalar(action, "name")));
        Assert.IsFalse(string.IsNullOrWhiteSpace(Scalar(action, "description")));
        var runs = Map(action, "runs");
        Assert.AreEqual("docker", Scalar(runs, "using"));
        var version = Regex.Match(File.ReadAllText(RepoPaths.Combine("src", "ImageGate.Cli", "ImageGate.Cli.csproj")), "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.AreEqual($"docker://ghcr.io/imagegate/imagegate:{version}-action", Scalar(runs, "image"),
            "the action must run the prebuilt image the release workflow pushes for this version");
        var args = (YamlSequenceNode)runs.Children[new YamlScalarNode("args")];
        CollectionAssert.AreEqual(new[] { "scan" }, args.Children.Select(a => ((YamlScalarNode)a).Value).ToArray());
    }

    [TestMethod]
    public void EveryInputHasAValidIdAndADescription()
    {
        foreach (var (id, input) in Inputs())
        {
            Assert.IsTrue(InputId().IsMatch(id), $"input '{id}': ids start with a letter or '_' and hold lowercase letters, digits, '-' and '_'");
            Assert.IsFalse(string.IsNullOrWhiteSpace(Scalar(input, "description")), $"input '{id}' has no description");
            if (Scalar(input, "required") is { } required)
            {
                Assert.IsTrue(required is "true" or "false", $"input '{id}': required must be true or false, not '{required}'");
            }
            foreach (var key in input.Children.Keys.Select(k => ((YamlScalarNode)k).Value))
            {
                Assert.IsTrue(key is "description" or "required" or "default" or "deprecationMessage", $"input '{id}': unknown key '{key}'");
            }
        }
    }

    [TestMethod]
    public void DeclaresTheInputsTheIssueAsksFor()
    {
        var inputs = Inputs();
        foreach (var id in new[]
        {
            "policies", "manifests", "exclude", "exceptions", "cluster-resources", "values", "credential-providers", "registry-mirrors",
            "fail-on", "sarif", "comment", "check-run", "pin-digests", "offline", "verbosity", "github-token",
        })
        {
            Assert.IsTrue(inputs.ContainsKey(id), $"action.yml has no input '{id}'");
        }
        Assert.AreEqual("true", Scalar(inputs["policies"], "required"));
        Assert.AreEqual("${{ github.token }}", Scalar(inputs["github-token"], "default"));
    }

    [TestMethod]
    public void DefaultsAreValuesScanAccepts()
    {
        var inputs = Inputs();
        foreach (var id in BooleanInputs)
        {
            Assert.IsTrue(Scalar(inputs[id], "default") is "true" or "false", $"input '{id}': the default must be true or false");
        }
        Assert.AreEqual("false", Scalar(inputs["check-run"], "default"), "check runs are opt-in");
        Assert.IsTrue(Scalar(inputs["fail-on"], "default") is "deny" or "warn" or "never");
        Assert.IsTrue(Scalar(inputs["verbosity"], "default") is "quiet" or "normal" or "detailed" or "diagnostic");
        Assert.IsTrue(Scalar(inputs["mode"], "default") is "admission" or "background");
        Assert.IsTrue(Scalar(inputs["format"], "default") is "table" or "json" or "sarif" or "policy-report" or "junit" or "markdown" or "github" or "azure-devops");
        foreach (var provider in Scalar(inputs["credential-providers"], "default")!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.IsTrue(Oci.Credentials.CredentialProviders.Known.Contains(provider), $"credential provider '{provider}'");
        }
    }

    [TestMethod]
    public void OutputsAndBrandingFollowGitHubsRules()
    {
        var action = Action();
        var outputs = Map(action, "outputs").Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => (YamlMappingNode)kv.Value);
        foreach (var id in new[] { "result", "pass", "fail", "warn", "error", "sarif", "pinned-images" })
        {
            Assert.IsTrue(outputs.ContainsKey(id), $"action.yml has no output '{id}'");
        }
        foreach (var (id, output) in outputs)
        {
            Assert.IsFalse(string.IsNullOrWhiteSpace(Scalar(output, "description")), $"output '{id}' has no description");
            Assert.IsNull(Scalar(output, "value"), $"output '{id}': container actions set outputs at run time, not with 'value'");
        }
        var branding = Map(action, "branding");
        Assert.IsTrue(BrandingColors.Contains(Scalar(branding, "color")), "branding color");
        Assert.IsFalse(string.IsNullOrWhiteSpace(Scalar(branding, "icon")));
    }

    /// <summary>Once <c>imagegate scan</c> is part of the build, every action input must be one of its inputs (read as
    /// <c>INPUT_NAME</c>) and every scan input must be offered by the action, with a default of the right kind.</summary>
    [TestMethod]
    public void EveryInputMapsToAScanInput()
    {
        var resolver = Type.GetType("ImageGate.Ci.Inputs.ScanInputResolver, ImageGate.Ci");
        if (resolver is null)
        {
            Assert.Inconclusive("ImageGate.Ci.Inputs.ScanInputResolver (the scan command's inputs) is not in this build yet");
        }
        var specs = ((IEnumerable)resolver.GetProperty("Specs", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!).Cast<object>().ToList();
        string Prop(object spec, string name) => spec.GetType().GetProperty(name)!.GetValue(spec)?.ToString() ?? "";
        // Inputs that only mean something on Azure Pipelines are offered by task.json, not by the action.
        string[] azureOnly = ["pr-status"];
        var byName = specs.Where(s => !azureOnly.Contains(Prop(s, "Name"))).ToDictionary(s => Prop(s, "Name"));
        var inputs = Inputs();
        CollectionAssert.AreEquivalent(byName.Keys.ToList(), inputs.Keys.ToList(), "action inputs and scan inputs differ");
        foreach (var (id, input) in inputs)
        {
            var spec = byName[id];
            var value = Scalar(input, "default") ?? "";
            if (Prop(spec, "Kind") == "Boolean")
            {
                Assert.IsTrue(value is "true" or "false", $"input '{id}' is a boolean scan input; default '{value}'");
            }
            if (spec.GetType().GetProperty("AllowedValues")!.GetValue(spec) is IEnumerable<string> allowed && value.Length > 0)
            {
                foreach (var entry in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.IsTrue(allowed.Contains(entry, StringComparer.OrdinalIgnoreCase), $"input '{id}': default '{entry}' is not one of {string.Join(", ", allowed)}");
                }
            }
        }
    }
}
