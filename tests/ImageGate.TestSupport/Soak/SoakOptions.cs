namespace ImageGate.TestSupport.Soak;

/// <summary>The size and shape of a soak workload; everything generated from <see cref="Seed"/>.</summary>
public sealed record SoakOptions
{
    /// <summary>Kubernetes resources (documents) across all manifest files.</summary>
    public int Manifests { get; init; } = 10_000;
    /// <summary>Policy documents, one per file.</summary>
    public int Policies { get; init; } = 50;
    /// <summary>Distinct images (distinct digests) spread over the registries.</summary>
    public int Images { get; init; } = 500;
    /// <summary>Registries, each behind its own latency proxy.</summary>
    public int Registries { get; init; } = 3;
    /// <summary>Latency the proxies add to every request, in milliseconds.</summary>
    public int LatencyMs { get; init; } = 20;
    /// <summary>Resources per manifest file (multi-document YAML).</summary>
    public int ResourcesPerFile { get; init; } = 25;
    /// <summary>Seed of every random choice.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws when a count is out of its sane range (the generator bounds every loop).</summary>
    public void Validate()
    {
        Check(Manifests, 1, 1_000_000, nameof(Manifests));
        Check(Policies, 1, 1_000, nameof(Policies));
        Check(Images, 1, 100_000, nameof(Images));
        Check(Registries, 1, 16, nameof(Registries));
        Check(LatencyMs, 0, 10_000, nameof(LatencyMs));
        Check(ResourcesPerFile, 1, 10_000, nameof(ResourcesPerFile));
        if (Images < Registries)
        {
            throw new ArgumentException($"{nameof(Images)} ({Images}) must be at least {nameof(Registries)} ({Registries})");
        }
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}");
        }
    }
}
