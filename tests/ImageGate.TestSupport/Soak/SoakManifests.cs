using System.Text;

namespace ImageGate.TestSupport.Soak;

/// <summary>Writes the workload's Kubernetes manifests: multi-document files of Deployments, StatefulSets, DaemonSets,
/// Jobs, CronJobs and Pods, some with sidecars and init containers, naming images by tag, by digest or both.</summary>
internal static class SoakManifests
{
    private static readonly string[] Kinds = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"];
    private static readonly string[] Tiers = ["frontend", "backend", "batch"];

    /// <summary>Writes <c>count</c> resources into <paramref name="folder"/> (one sub-folder per team); returns the file count.
    /// Resource n always runs image n modulo the pool as its main container, so every image is named.</summary>
    public static int Write(Random random, string folder, int count, int perFile, IReadOnlyList<SoakImage> images)
    {
        var files = 0;
        var text = new StringBuilder();
        for (var first = 0; first < count; first += perFile)
        {
            text.Clear();
            var team = (char)('a' + files % 4);
            for (var n = first; n < Math.Min(count, first + perFile); n++)
            {
                if (n > first)
                {
                    text.Append("---\n");
                }
                AppendResource(text, random, n, images);
            }
            var dir = Path.Combine(folder, $"team-{team}");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, $"apps-{files:D4}.yaml"), text.ToString());
            files++;
        }
        return files;
    }

    private static void AppendResource(StringBuilder text, Random random, int n, IReadOnlyList<SoakImage> images)
    {
        var kind = Kinds[random.Next(Kinds.Length)];
        var tier = Tiers[random.Next(Tiers.Length)];
        var name = $"{kind.ToLowerInvariant()}-{n:D5}";
        var ns = $"team-{(char)('a' + n % 4)}";
        var main = Reference(random, images[n % images.Count]);
        var sidecar = random.Next(10) < 4 ? Reference(random, images[random.Next(images.Count)]) : null;
        var init = random.Next(10) < 3 ? Reference(random, images[random.Next(images.Count)]) : null;
        var podSpec = PodSpec(main, sidecar, init, kind is "Job" or "CronJob");
        text.Append(kind switch { "Pod" => "apiVersion: v1\n", "Job" or "CronJob" => "apiVersion: batch/v1\n", _ => "apiVersion: apps/v1\n" });
        text.Append($"kind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app: {name}\n    tier: {tier}\n");
        switch (kind)
        {
            case "Pod":
                text.Append("spec:\n").Append(Indent(podSpec, 2));
                break;
            case "Job":
                text.Append("spec:\n  backoffLimit: 2\n  template:\n").Append(Template(name, tier, podSpec, 4));
                break;
            case "CronJob":
                text.Append("spec:\n  schedule: \"*/15 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n").Append(Template(name, tier, podSpec, 8));
                break;
            default:
                text.Append("spec:\n");
                if (kind != "DaemonSet")
                {
                    text.Append($"  replicas: {1 + n % 3}\n");
                }
                if (kind == "StatefulSet")
                {
                    text.Append($"  serviceName: {name}\n");
                }
                text.Append($"  selector:\n    matchLabels:\n      app: {name}\n  template:\n").Append(Template(name, tier, podSpec, 4));
                break;
        }
    }

    private static string Template(string name, string tier, string podSpec, int indent) =>
        Indent($"metadata:\n  labels:\n    app: {name}\n    tier: {tier}\nspec:\n" + Indent(podSpec, 2), indent);

    private static string PodSpec(string main, string? sidecar, string? init, bool batch)
    {
        var spec = new StringBuilder();
        if (batch)
        {
            spec.Append("restartPolicy: OnFailure\n");
        }
        if (init is not null)
        {
            spec.Append($"initContainers:\n- name: init\n  image: {init}\n");
        }
        spec.Append($"containers:\n- name: main\n  image: {main}\n  ports:\n  - containerPort: 8080\n");
        if (sidecar is not null)
        {
            spec.Append($"- name: sidecar\n  image: {sidecar}\n");
        }
        return spec.ToString();
    }

    /// <summary>60 % by tag, 25 % by digest, 15 % by tag and digest.</summary>
    private static string Reference(Random random, SoakImage image) => random.Next(20) switch
    {
        < 12 => image.TagReference,
        < 17 => image.DigestReference,
        _ => image.TagAndDigestReference,
    };

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Concat(text.Split('\n').Where(line => line.Length > 0).Select(line => pad + line + "\n"));
    }
}
