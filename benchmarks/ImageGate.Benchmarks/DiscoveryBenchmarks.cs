using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using ImageGate.Manifests.Discovery;

namespace ImageGate.Benchmarks;

/// <summary>Discovery over 10,000 generated manifests: walking, parsing with spans, and image extraction.
/// Each operation is one object, so the Op/s column reads as objects per second.</summary>
[Config(typeof(DiscoveryBenchmarkConfig))]
[MemoryDiagnoser]
public class DiscoveryBenchmarks
{
    private const int Objects = 10_000;
    private string _root = "";

    /// <summary>How the objects are laid out: one per file, or streams of 100 documents.</summary>
    [Params("one-per-file", "100-per-file")]
    public string Layout { get; set; } = "one-per-file";

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "imagegate-discovery-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var perFile = Layout == "one-per-file" ? 1 : 100;
        for (var file = 0; file < Objects / perFile; file++)
        {
            var text = new StringBuilder();
            for (var doc = 0; doc < perFile; doc++)
            {
                text.Append("---\n").Append(Manifest(file * perFile + doc));
            }
            var dir = Path.Combine(_root, $"team-{file % 20:D2}");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, $"app-{file:D5}.yaml"), text.ToString());
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    /// <summary>Baseline: only reading the files and building YamlDotNet's representation model (kept alive, as
    /// discovery keeps its documents), to show what discovery adds: walking, limits, spans, List/Helm handling and
    /// image extraction.</summary>
    [Benchmark(OperationsPerInvoke = Objects, Baseline = true)]
    public int YamlDotNetOnly()
    {
        var streams = new List<YamlDotNet.RepresentationModel.YamlStream>();
        foreach (var file in Directory.EnumerateFiles(_root, "*.yaml", SearchOption.AllDirectories))
        {
            var stream = new YamlDotNet.RepresentationModel.YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            streams.Add(stream);
        }
        return streams.Sum(s => s.Documents.Count);
    }

    [Benchmark(OperationsPerInvoke = Objects)]
    public int Discover()
    {
        var result = ManifestDiscovery.Discover([_root], new DiscoveryOptions { WorkingDirectory = _root });
        if (result.Documents.Count != Objects)
        {
            throw new InvalidOperationException($"expected {Objects} objects, found {result.Documents.Count}");
        }
        return result.Documents.Sum(d => d.Images.Count);
    }

    /// <summary>A realistic mix: Deployments (with an init container), CronJobs, Services and ConfigMaps.</summary>
    private static string Manifest(int i) => (i % 4) switch
    {
        0 => $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web-{{i}}
              namespace: team-{{i % 20}}
              labels:
                app.kubernetes.io/name: web-{{i}}
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app.kubernetes.io/name: web-{{i}}
              template:
                metadata:
                  labels:
                    app.kubernetes.io/name: web-{{i}}
                spec:
                  initContainers:
                    - name: init
                      image: docker.io/library/busybox:1.36
                  containers:
                    - name: web
                      image: "ghcr.io/stefanprodan/podinfo:6.7.{{i % 10}}"
                      ports:
                        - containerPort: 9898
                      resources:
                        limits: {cpu: 500m, memory: 128Mi}

            """,
        1 => $$"""
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: job-{{i}}
              namespace: team-{{i % 20}}
            spec:
              schedule: "*/5 * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                        - name: job
                          image: docker.io/library/python:3.13-slim
                          command: ["python", "-c", "print({{i}})"]

            """,
        2 => $$"""
            apiVersion: v1
            kind: Service
            metadata:
              name: web-{{i}}
              namespace: team-{{i % 20}}
            spec:
              selector:
                app.kubernetes.io/name: web-{{i}}
              ports:
                - port: 80
                  targetPort: 9898

            """,
        _ => $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: config-{{i}}
              namespace: team-{{i % 20}}
            data:
              LOG_LEVEL: info
              FEATURE_FLAGS: "a,b,c"

            """,
    };
}

/// <summary>Adds the operations-per-second column (objects per second here).</summary>
public sealed class DiscoveryBenchmarkConfig : ManualConfig
{
    public DiscoveryBenchmarkConfig() => AddColumn(StatisticColumn.OperationsPerSecond);
}
