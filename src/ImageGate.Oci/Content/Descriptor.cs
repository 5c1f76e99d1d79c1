using System.Text.Json.Serialization;

namespace ImageGate.Oci.Content;

/// <summary>An OCI content descriptor.</summary>
public sealed record Descriptor
{
    /// <summary>Media type of the referenced content.</summary>
    [JsonPropertyName("mediaType")] public string MediaType { get; init; } = "";
    /// <summary>Digest of the referenced content.</summary>
    [JsonPropertyName("digest")] public string Digest { get; init; } = "";
    /// <summary>Size in bytes of the referenced content.</summary>
    [JsonPropertyName("size")] public long Size { get; init; }
    /// <summary>Artifact type (referrers and artifacts).</summary>
    [JsonPropertyName("artifactType")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ArtifactType { get; init; }
    /// <summary>Annotations.</summary>
    [JsonPropertyName("annotations")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    /// <summary>Platform of an index entry.</summary>
    [JsonPropertyName("platform")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Platform? Platform { get; init; }
    /// <summary>Alternative download locations (never followed by this client).</summary>
    [JsonPropertyName("urls")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Urls { get; init; }
}

/// <summary>A platform (<c>os/architecture[/variant]</c>).</summary>
public sealed record Platform
{
    /// <summary>The default platform, <c>linux/amd64</c>.</summary>
    public static readonly Platform Default = new() { Os = "linux", Architecture = "amd64" };

    /// <summary>CPU architecture, e.g. <c>amd64</c>.</summary>
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    /// <summary>Operating system, e.g. <c>linux</c>.</summary>
    [JsonPropertyName("os")] public string Os { get; init; } = "";
    /// <summary>CPU variant, e.g. <c>v8</c>.</summary>
    [JsonPropertyName("variant")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Variant { get; init; }
    /// <summary>Operating system version.</summary>
    [JsonPropertyName("os.version")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? OsVersion { get; init; }

    /// <summary>Parses <c>os/arch[/variant]</c>.</summary>
    public static Platform Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            throw new FormatException($"invalid platform \"{text}\": expected os/architecture[/variant]");
        }
        return new Platform { Os = parts[0], Architecture = parts[1], Variant = parts.Length == 3 ? parts[2] : null };
    }

    /// <summary>True when this (an index entry's platform) satisfies <paramref name="wanted"/>: os and
    /// architecture equal, and variant / os.version equal when the wanted platform names them.</summary>
    public bool Satisfies(Platform wanted) =>
        Os == wanted.Os && Architecture == wanted.Architecture
        && (string.IsNullOrEmpty(wanted.Variant) || Variant == wanted.Variant)
        && (string.IsNullOrEmpty(wanted.OsVersion) || OsVersion == wanted.OsVersion);

    /// <summary><c>os/arch[/variant]</c>.</summary>
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
