namespace ImageGate.Oci.Content;

/// <summary>Media types of the OCI image spec and the Docker v2 schema 2 formats.</summary>
public static class MediaTypes
{
    /// <summary>OCI image manifest.</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    /// <summary>OCI image index.</summary>
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    /// <summary>OCI image config.</summary>
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    /// <summary>The OCI empty descriptor's media type (content <c>{}</c>).</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";
    /// <summary>Docker v2 schema 2 manifest.</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    /// <summary>Docker manifest list.</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    /// <summary>Docker image config.</summary>
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    /// <summary>Accept header value listing every manifest type this client reads.</summary>
    public static readonly string ManifestAccept = string.Join(", ", OciIndex, OciManifest, DockerManifestList, DockerManifest);

    /// <summary>True for OCI index or Docker manifest list.</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>True for OCI or Docker image manifests.</summary>
    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;
}
