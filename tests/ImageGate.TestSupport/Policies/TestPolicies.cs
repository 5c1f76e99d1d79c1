using System.Text;

namespace ImageGate.TestSupport.Policies;

/// <summary>Kyverno ImageValidatingPolicy documents shared by the CLI and integration suites: pod-matching policies
/// that need no registry, built from a name, an expression and a message.</summary>
public static class TestPolicies
{
    /// <summary>The expression that admits only images from ghcr.io.</summary>
    public const string GhcrOnlyExpression = "images.containers.all(i, i.startsWith('ghcr.io/'))";

    /// <summary>The message <see cref="GhcrOnly"/> reports for an image from elsewhere.</summary>
    public const string GhcrOnlyMessage = "images must come from ghcr.io";

    /// <summary>The <c>ghcr-only</c> policy: every container image must come from ghcr.io (Deny).</summary>
    public static readonly string GhcrOnly = PodPolicy("ghcr-only", GhcrOnlyExpression, GhcrOnlyMessage);

    /// <summary>An ImageValidatingPolicy matching pod creation with one validation and no attestors; <paramref name="action"/>
    /// sets <c>validationActions</c> (Deny when null) and <paramref name="annotations"/> are written under metadata.</summary>
    public static string PodPolicy(string name, string expression, string? message = null, string? action = null,
        bool verifyDigest = false, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var yaml = new StringBuilder();
        yaml.Append("apiVersion: policies.kyverno.io/v1\n");
        yaml.Append("kind: ImageValidatingPolicy\n");
        yaml.Append("metadata:\n");
        yaml.Append($"  name: {name}\n");
        if (annotations is { Count: > 0 })
        {
            yaml.Append("  annotations:\n");
            foreach (var (key, value) in annotations)
            {
                yaml.Append($"    {key}: {value}\n");
            }
        }
        yaml.Append("spec:\n");
        if (action is not null)
        {
            yaml.Append($"  validationActions: [{action}]\n");
        }
        yaml.Append("  matchConstraints:\n");
        yaml.Append("    resourceRules:\n");
        yaml.Append("    - apiGroups: [\"\"]\n");
        yaml.Append("      apiVersions: [v1]\n");
        yaml.Append("      operations: [CREATE]\n");
        yaml.Append("      resources: [pods]\n");
        yaml.Append($"  validationConfigurations: {{verifyDigest: {(verifyDigest ? "true" : "false")}, mutateDigest: false, required: false}}\n");
        yaml.Append("  attestors: []\n");
        yaml.Append("  validations:\n");
        yaml.Append($"  - expression: \"{expression}\"");
        if (message is not null)
        {
            yaml.Append($"\n    message: {message}");
        }
        return yaml.ToString();
    }

    /// <summary>A policy that reads each image's config with <c>image.GetMetadata</c> (so it must reach the registry with the
    /// <c>regcred</c> pull secret) and requires a linux image; no signature checks. With <paramref name="mutateDigest"/>
    /// false, tags are not pinned to digests.</summary>
    public static string LinuxImageWithPullSecret(string name, bool mutateDigest = true) =>
        "apiVersion: policies.kyverno.io/v1\n"
        + "kind: ImageValidatingPolicy\n"
        + "metadata:\n"
        + $"  name: {name}\n"
        + "spec:\n"
        + "  matchConstraints:\n"
        + "    resourceRules:\n"
        + "    - apiGroups: [\"\"]\n"
        + "      apiVersions: [v1]\n"
        + "      operations: [CREATE]\n"
        + "      resources: [pods]\n"
        + "  credentials:\n"
        + "    secrets: [regcred]\n"
        + $"  validationConfigurations: {{required: false, verifyDigest: false{(mutateDigest ? "" : ", mutateDigest: false")}}}\n"
        + "  attestors: []\n"
        + "  validations:\n"
        + "  - expression: \"images.containers.all(i, image.GetMetadata(i).config.os == 'linux')\"";
}
