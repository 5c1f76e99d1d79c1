using ImageGate.Policies.Loading;
using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;

namespace ImageGate.Policies.Tests;

/// <summary>Builds small policy documents for tests.</summary>
internal static class TestYaml
{
    public const string PodRules = """
        matchConstraints:
          resourceRules:
          - apiGroups: [""]
            apiVersions: [v1]
            operations: [CREATE]
            resources: [pods]
        """;

    /// <summary>A policy document; <paramref name="spec"/> is indented by two spaces under <c>spec:</c>.</summary>
    public static string Policy(string spec, string apiVersion = "v1", string kind = "ImageValidatingPolicy", string name = "test") =>
        $"""
        apiVersion: policies.kyverno.io/{apiVersion}
        kind: {kind}
        metadata:
          name: {name}
        spec:
        {Indent(spec)}
        """;

    /// <summary>A policy with pod resource rules, empty attestors and validations unless <paramref name="extra"/> sets them.</summary>
    public static string PodPolicy(string extra, string apiVersion = "v1", string kind = "ImageValidatingPolicy")
    {
        var body = PodRules.TrimEnd() + "\n" + Unindent(extra).TrimEnd();
        if (!extra.Contains("attestors:", StringComparison.Ordinal))
        {
            body += "\nattestors: []";
        }
        if (!extra.Contains("validations:", StringComparison.Ordinal))
        {
            body += "\nvalidations: []";
        }
        return Policy(Unindent(body), apiVersion, kind);
    }

    public static PolicyLoadResult Load(string text, string file = "policy.yaml") => PolicyLoader.LoadText(text, file);

    public static ImageValidatingPolicy LoadOne(string text)
    {
        var result = Load(text);
        Assert.IsFalse(result.HasErrors, string.Join("\n", result.Errors));
        Assert.HasCount(1, result.Policies);
        return result.Policies[0];
    }

    public static PolicyDiagnostic SingleError(string text)
    {
        var result = Load(text);
        Assert.HasCount(1, result.Errors, string.Join("\n", result.Diagnostics));
        Assert.IsEmpty(result.Policies);
        return result.Errors[0];
    }

    private static string Indent(string text) =>
        string.Join("\n", Unindent(text).Split('\n').Select(l => l.Length == 0 ? l : "  " + l));

    private static string Unindent(string text)
    {
        var lines = text.Replace("\r", "").Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }
}
