using System.Text.Json;
using ImageGate.TestSupport.Registry;

namespace ImageGate.IntegrationTests;

/// <summary>Runs <c>imagegate apply -o json</c> in-process on a policy file and a one-container pod, against a loopback registry.</summary>
internal static class ApplyHarness
{
    /// <summary>Indents a multi-line block (a PEM or JSON document) for embedding in YAML.</summary>
    public static string Indent(string text, int spaces) => string.Join("\n", text.Trim().Split('\n').Select(l => new string(' ', spaces) + l));

    /// <summary>The <c>matchConstraints</c> block matching pod creation, indented for <c>spec</c>.</summary>
    public const string MatchPods = """
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: [v1]
              operations: [CREATE]
              resources: [pods]
        """;

    /// <summary>Applies <paramref name="policy"/> to a pod running <paramref name="image"/>, with further CLI <paramref name="options"/>; returns the exit code, every result, and the requests the registry logged.</summary>
    public static async Task<(int Code, JsonElement[] Results, IReadOnlyList<AccessLogEntry> Requests)> ApplyAsync(RegistryFixture registry, string work, string policy, string image, params string[] options)
    {
        var dir = Path.Combine(work, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "policy.yaml"), policy);
        await File.WriteAllTextAsync(Path.Combine(dir, "pod.yaml"), $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: {image}\n");
        var mark = await registry.MarkAsync();
        var (code, stdout, stderr) = CliInProcess.Run(["apply", "policy.yaml", "-r", "pod.yaml", "-o", "json", "--insecure-registry", registry.Host, .. options], dir, "apply");
        var requests = await registry.RequestsSinceAsync(mark);
        Assert.AreNotEqual(2, code, stderr.ToString());
        using var json = JsonDocument.Parse(stdout.ToString());
        return (code, json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.Clone()).ToArray(), requests);
    }

    /// <summary>The attestor reasons of a result, joined for assertions.</summary>
    public static string Reasons(JsonElement result) =>
        string.Join("\n", result.GetProperty("attestorReasons").EnumerateArray().Select(r => r.GetProperty("attestor").GetString() + ": " + r.GetProperty("reason").GetString()));

    /// <summary>Requests formatted for assertion messages.</summary>
    public static string Describe(IEnumerable<AccessLogEntry> entries) => string.Join(", ", entries.Select(e => $"{e.Method} {e.Path} {e.Status}"));
}
