using YamlDotNet.RepresentationModel;

namespace ImageGate.Manifests.Yaml;

/// <summary>Small helpers to read YamlDotNet representation nodes and turn their marks into spans.</summary>
public static class YamlNodes
{
    /// <summary>The value under <paramref name="key"/> in a mapping, or null.</summary>
    public static YamlNode? Get(this YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && string.Equals(name, key, StringComparison.Ordinal))
            {
                return v;
            }
        }
        return null;
    }

    /// <summary>The scalar string under <paramref name="key"/>, or null when absent or not a scalar.</summary>
    public static string? GetString(this YamlMappingNode map, string key) =>
        map.Get(key) is YamlScalarNode { Value: { } value } ? value : null;

    /// <summary>The mapping under <paramref name="key"/>, or null.</summary>
    public static YamlMappingNode? GetMapping(this YamlMappingNode map, string key) => map.Get(key) as YamlMappingNode;

    /// <summary>The key node of <paramref name="key"/> in a mapping, or null.</summary>
    public static YamlScalarNode? GetKeyNode(this YamlMappingNode map, string key)
    {
        foreach (var k in map.Children.Keys)
        {
            if (k is YamlScalarNode { Value: { } name } scalar && string.Equals(name, key, StringComparison.Ordinal))
            {
                return scalar;
            }
        }
        return null;
    }

    /// <summary>The node at a field path such as <c>spec.attestors[0].cosign.key</c>, or null when absent.</summary>
    public static YamlNode? At(YamlNode root, string fieldPath)
    {
        var node = root;
        foreach (var part in fieldPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part;
            var indexes = new List<int>();
            var bracket = part.IndexOf('[');
            if (bracket >= 0)
            {
                name = part[..bracket];
                foreach (var index in part[bracket..].Split('[', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!int.TryParse(index.TrimEnd(']'), out var i))
                    {
                        return null;
                    }
                    indexes.Add(i);
                }
            }
            if (name.Length > 0)
            {
                node = (node as YamlMappingNode)?.Get(name);
            }
            foreach (var i in indexes)
            {
                node = node is YamlSequenceNode seq && i >= 0 && i < seq.Children.Count ? seq.Children[i] : null;
            }
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>The span a node covers in <paramref name="file"/>. For mappings and sequences it runs from the
    /// node's start to the end of its last descendant.</summary>
    public static SourceSpan SpanOf(YamlNode node, string file)
    {
        var end = node;
        // Walk to the last descendant; bounded because aliases can form cycles.
        for (var steps = 0; steps < 1_000; steps++)
        {
            YamlNode? next = end switch
            {
                YamlMappingNode m when m.Children.Count > 0 => m.Children[m.Children.Count - 1].Value,
                YamlSequenceNode s when s.Children.Count > 0 => s.Children[^1],
                _ => null,
            };
            if (next is null || next.End.Index < end.End.Index)
            {
                break;
            }
            end = next;
        }
        return new SourceSpan(file, (int)node.Start.Line, (int)node.Start.Column, (int)end.End.Line, (int)end.End.Column);
    }

    /// <summary>True for an empty or null scalar (an empty YAML document).</summary>
    public static bool IsNullScalar(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any, Value: "" or "~" or "null" or "Null" or "NULL" or null };
}
