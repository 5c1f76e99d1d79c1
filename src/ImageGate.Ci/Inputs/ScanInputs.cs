using ImageGate.Reporting;

namespace ImageGate.Ci.Inputs;

/// <summary>Everything <c>imagegate scan</c> is configured with, whether it came from command-line flags, GitHub
/// action inputs (<c>INPUT_*</c>) or Azure DevOps task inputs. Paths are as given (relative to the working directory).</summary>
public sealed record ScanInputs
{
    /// <summary>Policy files, folders or globs (<c>policies</c>); at least one.</summary>
    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>Manifest files, folders or globs (<c>manifests</c>); at least one.</summary>
    public IReadOnlyList<string> Manifests { get; init; } = [];

    /// <summary>Globs left out of manifest discovery (<c>exclude</c>).</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>PolicyException files (<c>exceptions</c>).</summary>
    public IReadOnlyList<string> Exceptions { get; init; } = [];

    /// <summary>Objects <c>resource.get/list</c> may read (<c>cluster-resources</c>).</summary>
    public IReadOnlyList<string> ClusterResources { get; init; } = [];

    /// <summary>Kyverno values files (<c>values</c>).</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Kyverno context files (<c>context-files</c>).</summary>
    public IReadOnlyList<string> ContextFiles { get; init; } = [];

    /// <summary>CustomResourceDefinition files (<c>crds</c>).</summary>
    public IReadOnlyList<string> Crds { get; init; } = [];

    /// <summary>Folders holding Helm charts, to map <c>helm template</c> output to templates (<c>chart-roots</c>).</summary>
    public IReadOnlyList<string> ChartRoots { get; init; } = [];

    /// <summary>Credential providers tried for policies without their own <c>credentials</c> block
    /// (<c>credential-providers</c>: default, github, azure, amazon, google); empty means <c>default</c>.</summary>
    public IReadOnlyList<string> CredentialProviders { get; init; } = [];

    /// <summary><c>HOST=oci:PATH</c> entries serving a registry host from an OCI image layout (<c>registry-mirrors</c>).</summary>
    public IReadOnlyList<string> RegistryMirrors { get; init; } = [];

    /// <summary><c>NAME=FILE</c> docker config files for secrets named in policies (<c>registry-secrets</c>).</summary>
    public IReadOnlyList<string> RegistrySecrets { get; init; } = [];

    /// <summary>Registry hosts reachable over plain HTTP or unverified TLS (<c>insecure-registries</c>).</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>Extra trusted CA certificates for registries (<c>ca-file</c>).</summary>
    public string? CaFile { get; init; }

    /// <summary>Hosts <c>http.get/post</c> in policies may call (<c>allow-http</c>).</summary>
    public IReadOnlyList<string> AllowHttp { get; init; } = [];

    /// <summary>Which findings fail the run (<c>fail-on</c>: deny, warn, never).</summary>
    public FailOn FailOn { get; init; } = FailOn.Deny;

    /// <summary>Where to write the SARIF report (<c>sarif</c>), or null for none.</summary>
    public string? SarifPath { get; init; }

    /// <summary>Where to write a JUnit report (<c>junit</c>), or null for none.</summary>
    public string? JUnitPath { get; init; }

    /// <summary>The format of the main report (<c>format</c>, as <c>-o</c>): table unless set.</summary>
    public string Format { get; init; } = "table";

    /// <summary>File for the main report (<c>output</c>), or null for standard output.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Post or update the pull-request comment (<c>comment</c>).</summary>
    public bool Comment { get; init; }

    /// <summary>Create a check run with annotations (<c>check-run</c>, opt-in).</summary>
    public bool CheckRun { get; init; }

    /// <summary>Set an Azure DevOps pull-request status (<c>pr-status</c>, opt-in).</summary>
    public bool PrStatus { get; init; }

    /// <summary>Rewrite manifests to the verified <c>repo:tag@digest</c> (<c>pin-digests</c>).</summary>
    public bool PinDigests { get; init; }

    /// <summary>No network beyond the registries: no OCSP/CRL, no cloud token exchange (<c>offline</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>Print every attestor tried for each failing image (<c>explain</c>).</summary>
    public bool Explain { get; init; }

    /// <summary>Pin tags to digests before validation, as the mutating webhook does (<c>resolve-digests</c>, default true).</summary>
    public bool ResolveDigests { get; init; } = true;

    /// <summary>admission or background (<c>mode</c>).</summary>
    public string Mode { get; init; } = "admission";

    /// <summary>Admission operation override (<c>operation</c>), or null.</summary>
    public string? Operation { get; init; }

    /// <summary>quiet, normal, detailed or diagnostic (<c>verbosity</c>), or null when not set.</summary>
    public string? Verbosity { get; init; }

    /// <summary>SARIF <c>automationDetails</c> category (<c>sarif-category</c>).</summary>
    public string SarifCategory { get; init; } = "imagegate";

    /// <summary>How many resources to evaluate at once, as given (checked by the evaluating command); null for the default.</summary>
    public string? Parallelism { get; init; }

    /// <summary>Token for the GitHub API (<c>github-token</c> input, else <c>GITHUB_TOKEN</c>); never printed.</summary>
    public string? GitHubToken { get; init; }

    /// <summary>Values the run must mask in CI logs before anything is printed (tokens given as inputs).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}
