using System.Globalization;
using ImageGate.TestSupport.Soak;

namespace ImageGate.Soak;

/// <summary>The driver's options.</summary>
internal sealed record SoakCommandLine
{
    public const string Usage = """
        usage: ImageGate.Soak [options]
          --manifests N      resources to generate (default 10000)
          --policies N       policies (default 50)
          --images N         distinct images (default 500)
          --registries N     registries, each behind a latency proxy (default 3)
          --latency-ms N     latency added to every registry request (default 20)
          --per-file N       resources per manifest file (default 25)
          --seed N           seed of the generator (default 1)
          --binary PATH      run this imagegate executable (e.g. artifacts/imagegate/imagegate)
          --cli-dll PATH     run `dotnet PATH` (default: src/ImageGate.Cli Release build, built when missing)
          --formats LIST     report formats compared, comma-separated (default json,sarif)
          --work DIR         working folder (default .test-work/soak-TIMESTAMP, deleted afterwards unless --keep)
          --keep             keep the working folder (workload and outputs)
        Runs `imagegate apply` three times (A and B with the default parallelism, C with --parallelism 1) and exits 0
        only when every output is byte-identical across the runs and every run's peak RSS is under 1 GiB.
        """;

    public SoakOptions Workload { get; init; } = new();
    public string? Binary { get; init; }
    public string? CliDll { get; init; }
    public IReadOnlyList<string> Formats { get; init; } = ["json", "sarif"];
    public string? Work { get; init; }
    public bool Keep { get; init; }

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message naming the bad option.</summary>
    public static SoakCommandLine Parse(IReadOnlyList<string> args)
    {
        var line = new SoakCommandLine();
        var workload = line.Workload;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int NextInt()
            {
                var text = Next();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                    ? value : throw new ArgumentException($"{name} {text}: expected a whole number");
            }
            switch (name)
            {
                case "--manifests": workload = workload with { Manifests = NextInt() }; break;
                case "--policies": workload = workload with { Policies = NextInt() }; break;
                case "--images": workload = workload with { Images = NextInt() }; break;
                case "--registries": workload = workload with { Registries = NextInt() }; break;
                case "--latency-ms": workload = workload with { LatencyMs = NextInt() }; break;
                case "--per-file": workload = workload with { ResourcesPerFile = NextInt() }; break;
                case "--seed": workload = workload with { Seed = NextInt() }; break;
                case "--binary": line = line with { Binary = Path.GetFullPath(Next()) }; break;
                case "--cli-dll": line = line with { CliDll = Path.GetFullPath(Next()) }; break;
                case "--formats":
                    var formats = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (formats.Length == 0 || formats.Any(f => f is not ("json" or "sarif" or "junit" or "policy-report")))
                    {
                        throw new ArgumentException("--formats: a comma-separated list of json, sarif, junit, policy-report");
                    }
                    line = line with { Formats = formats };
                    break;
                case "--work": line = line with { Work = Path.GetFullPath(Next()) }; break;
                case "--keep": line = line with { Keep = true }; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        workload.Validate();
        return line with { Workload = workload };
    }
}
