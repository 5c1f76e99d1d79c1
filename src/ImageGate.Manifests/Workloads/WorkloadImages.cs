using ImageGate.Manifests.Yaml;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Manifests.Workloads;

/// <summary>Finds the pod spec of workload kinds and the images of its containers.</summary>
public static class WorkloadImages
{
    /// <summary>The container lists of a pod spec, in the order Kubernetes documents them.</summary>
    public static IReadOnlyList<string> ContainerLists { get; } = ["containers", "initContainers", "ephemeralContainers"];

    /// <summary>The field path from the object to its pod spec, or null when <paramref name="kind"/> is not a workload.</summary>
    public static string[]? PodSpecPath(string kind) => kind switch
    {
        "Pod" => ["spec"],
        "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" or "ReplicationController" => ["spec", "template", "spec"],
        "CronJob" => ["spec", "jobTemplate", "spec", "template", "spec"],
        _ => null,
    };

    /// <summary>True when <paramref name="kind"/> has a pod spec.</summary>
    public static bool IsWorkload(string kind) => PodSpecPath(kind) is not null;

    /// <summary>The images of a workload object in source order (empty for other kinds or when there is no pod spec).
    /// Containers without an image are left out; an image that is a mapping or a list is a <see cref="ManifestException"/>.</summary>
    public static IReadOnlyList<ContainerImage> Extract(YamlMappingNode root, string kind, string file, string fieldPrefix = "")
    {
        var path = PodSpecPath(kind);
        if (path is null)
        {
            return [];
        }
        YamlMappingNode? podSpec = root;
        foreach (var key in path)
        {
            podSpec = podSpec?.GetMapping(key);
        }
        if (podSpec is null)
        {
            return [];
        }
        var prefix = fieldPrefix + string.Join('.', path);
        var images = new List<ContainerImage>();
        foreach (var (key, value) in podSpec.Children)
        {
            if (key is not YamlScalarNode { Value: { } listName } || !ContainerLists.Contains(listName) || value is not YamlSequenceNode list)
            {
                continue;
            }
            for (var i = 0; i < list.Children.Count; i++)
            {
                if (list.Children[i] is not YamlMappingNode container)
                {
                    continue;
                }
                var imageField = container.Get("image");
                if (imageField is YamlMappingNode or YamlSequenceNode)
                {
                    // The API server rejects it; an image we cannot read must not let the object pass unchecked.
                    var at = YamlNodes.SpanOf(imageField, file);
                    throw new ManifestException(file, at.StartLine, at.StartColumn, $"{prefix}.{listName}[{i}].image must be a string");
                }
                if (imageField is not YamlScalarNode { Value: { } image } imageNode)
                {
                    continue;
                }
                images.Add(new ContainerImage(
                    container.GetString("name") ?? "",
                    listName,
                    image,
                    $"{prefix}.{listName}[{i}].image",
                    YamlNodes.SpanOf(imageNode, file),
                    null));
            }
        }
        return images;
    }
}
