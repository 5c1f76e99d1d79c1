using YamlDotNet.RepresentationModel;

namespace ImageGate.Manifests.Yaml;

/// <summary>Resolves YAML merge keys (<c>&lt;&lt;: *base</c> or <c>&lt;&lt;: [*a, *b]</c>) in place, as Kubernetes does:
/// keys written in the mapping win over merged ones, earlier merged mappings win over later ones. Merged values
/// are the anchored nodes themselves, so their spans point where they are written.</summary>
internal sealed class MergeKeys(string file, ManifestLimits limits)
{
    private readonly HashSet<YamlNode> _done = new(ReferenceEqualityComparer.Instance);

    public void Apply(YamlNode node) => Visit(node, 0);

    private void Visit(YamlNode node, int depth)
    {
        if (!_done.Add(node))
        {
            return;
        }
        if (depth > limits.MaxDepth * 4)
        {
            throw new ManifestException(file, (int)node.Start.Line, (int)node.Start.Column, "merge keys nest too deeply");
        }
        switch (node)
        {
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    Visit(child, depth + 1);
                }
                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children.ToList())
                {
                    Visit(key, depth + 1);
                    Visit(value, depth + 1);
                }
                Merge(mapping);
                break;
        }
    }

    private void Merge(YamlMappingNode mapping)
    {
        var mergeKey = mapping.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: "<<", Style: YamlDotNet.Core.ScalarStyle.Plain });
        if (mergeKey is null)
        {
            return;
        }
        var sources = mapping.Children[mergeKey] switch
        {
            YamlMappingNode single => [single],
            YamlSequenceNode list when list.Children.All(c => c is YamlMappingNode) => list.Children.Cast<YamlMappingNode>().ToList(),
            var other => throw new ManifestException(file, (int)other.Start.Line, (int)other.Start.Column,
                "invalid YAML: a merge key '<<' needs a mapping or a list of mappings"),
        };
        var entries = mapping.Children.Where(e => !ReferenceEquals(e.Key, mergeKey)).ToList();
        var present = new HashSet<string>(entries.Select(e => (e.Key as YamlScalarNode)?.Value ?? "").Where(k => k.Length > 0), StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var entry in source.Children)
            {
                if (entry.Key is YamlScalarNode { Value: { } name } && present.Add(name))
                {
                    entries.Add(entry);
                }
            }
        }
        mapping.Children.Clear();
        foreach (var (key, value) in entries)
        {
            mapping.Children.Add(key, value);
        }
    }
}
