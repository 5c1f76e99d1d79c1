using YamlDotNet.Core;

namespace ImageGate.Manifests.Yaml;

/// <summary>The YAML tags ImageGate reads: none, the non-specific <c>!</c>, and the core schema's. Kubernetes decodes
/// others (<c>!!binary</c>, local and <c>%TAG</c> tags) differently or not at all, so the value checked would not be
/// the value deployed.</summary>
public static class YamlTags
{
    private const string CorePrefix = "tag:yaml.org,2002:";

    private static readonly HashSet<string> Core = new(
        new[] { "str", "int", "float", "bool", "null", "map", "seq", "timestamp" }.Select(t => CorePrefix + t),
        StringComparer.Ordinal);

    /// <summary>True when a node with this tag is read.</summary>
    public static bool IsSupported(TagName tag) => tag.IsEmpty || tag.IsNonSpecific || Core.Contains(tag.Value);

    /// <summary>The error reason for an unsupported tag.</summary>
    public static string Unsupported(TagName tag)
    {
        var shown = tag.Value.StartsWith(CorePrefix, StringComparison.Ordinal) ? "!!" + tag.Value[CorePrefix.Length..] : tag.Value;
        if (shown.Length > 80)
        {
            shown = shown[..80] + "...";
        }
        return $"the YAML tag '{shown}' is not supported (only the core schema's !!str, !!int, !!float, !!bool, !!null, !!map, !!seq and !!timestamp)";
    }
}
