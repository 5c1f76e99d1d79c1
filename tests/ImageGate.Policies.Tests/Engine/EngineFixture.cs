using System.Text.Json.Nodes;
using ImageGate.Policies.Engine;
using ImageGate.Policies.Loading;
using ImageGate.Policies.Model;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Tests.Engine;

/// <summary>Loads policies and resources from YAML text and runs the engine.</summary>
internal static class EngineFixture
{
    public const string Digest = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

    public static PolicyLoadResult Load(string yaml)
    {
        var result = PolicyLoader.LoadText(yaml, "policy.yaml");
        Assert.IsFalse(result.HasErrors, string.Join("\n", result.Errors));
        return result;
    }

    public static List<EngineResource> Resources(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Select(d => new EngineResource((JsonObject)YamlJson.Convert(d.RootNode)!, new SourceSpan("resource.yaml", (int)d.RootNode.Start.Line, (int)d.RootNode.Start.Column)))
            .ToList();
    }

    public static IReadOnlyList<PolicyResult> Run(string policies, string resources, InMemoryImageVerifier? verifier = null, EngineOptions? options = null)
    {
        var loaded = Load(policies);
        var engine = new PolicyEngine(loaded.Policies, loaded.Exceptions, verifier ?? new InMemoryImageVerifier(), options ?? new EngineOptions { ResolveDigests = false });
        return Resources(resources).SelectMany(r => engine.Evaluate(r)).ToList();
    }

    /// <summary>A policy over pods with the given spec body (indented for spec).</summary>
    public static string Policy(string name, string specBody, string apiVersion = "policies.kyverno.io/v1") => $"""
        apiVersion: {apiVersion}
        kind: ImageValidatingPolicy
        metadata:
          name: {name}
        spec:
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: ["v1"]
              operations: ["CREATE", "UPDATE"]
              resources: ["pods"]
        {Indent(specBody, 2)}
        """;

    public static string Pod(string name, string image, string ns = "default", string labels = "{}") => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: {ns}
          labels: {labels}
        spec:
          containers:
          - name: app
            image: {image}
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => new string(' ', spaces) + l));
}
