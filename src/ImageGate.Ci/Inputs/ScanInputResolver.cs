using ImageGate.Reporting;

namespace ImageGate.Ci.Inputs;

/// <summary>How an input's text is read.</summary>
public enum ScanInputKind
{
    /// <summary>Several values: repeated flags, or one value split on newlines and on commas outside <c>{…}</c>.</summary>
    List,
    /// <summary>One value.</summary>
    Single,
    /// <summary>true or false; a flag given without a value is true.</summary>
    Boolean,
}

/// <summary>One input of <c>imagegate scan</c>: its name (the flag is <c>--NAME</c>, the environment variable
/// <c>INPUT_NAME</c>), how it is read, the values it accepts, and a line of help.</summary>
public sealed record ScanInputSpec(string Name, ScanInputKind Kind, string Description, IReadOnlyList<string>? AllowedValues = null, string? ValueName = null)
{
    /// <summary>The GitHub Actions variable: upper-cased, spaces as <c>_</c>, hyphens kept (<c>INPUT_FAIL-ON</c>).</summary>
    public string GitHubVariable => "INPUT_" + Name.Replace(' ', '_').ToUpperInvariant();

    /// <summary>Other spellings accepted from the environment: <c>INPUT_FAIL_ON</c>, and the Azure DevOps camelCase
    /// form (<c>failOn</c> → <c>INPUT_FAILON</c>, as azure-pipelines-task-lib reads it).</summary>
    public IEnumerable<string> AlternateVariables =>
        new[] { "INPUT_" + Name.Replace('-', '_').ToUpperInvariant(), "INPUT_" + Name.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant() }
            .Where(v => v != GitHubVariable).Distinct();
}

/// <summary>A bad input value; the message names the input and where it came from. The CLI exits 2.</summary>
public sealed class ScanInputException(string message) : Exception(message);

/// <summary>Resolves <see cref="ScanInputs"/> from command-line flags and, for each input whose flag is absent, from
/// the CI platform's input variables. Follows @actions/core: values trimmed, empty means unset, booleans only
/// <c>true|True|TRUE|false|False|FALSE</c>, multi-line values split per line.</summary>
public static class ScanInputResolver
{
    /// <summary>Longest value read from one input.</summary>
    public const int MaxValueLength = 1024 * 1024;

    /// <summary>Most entries in one list input.</summary>
    public const int MaxListEntries = 10_000;

    /// <summary>Inputs whose values are secrets: masked before anything is printed.</summary>
    public static IReadOnlyList<string> SecretInputs { get; } = ["github-token", "token", "access-token", "registry-password"];

    /// <summary>Every input, in the order help lists them.</summary>
    public static IReadOnlyList<ScanInputSpec> Specs { get; } =
    [
        new("policies", ScanInputKind.List, "policy files, folders or globs", ValueName: "PATH"),
        new("manifests", ScanInputKind.List, "manifest files, folders or globs", ValueName: "PATH"),
        new("exclude", ScanInputKind.List, "leave out matching manifest files or folders", ValueName: "GLOB"),
        new("exceptions", ScanInputKind.List, "PolicyException files, folders or globs", ValueName: "PATH"),
        new("cluster-resources", ScanInputKind.List, "objects resource.get/list may read", ValueName: "PATH"),
        new("values", ScanInputKind.List, "Kyverno values files (namespace labels, request.operation)", ValueName: "FILE"),
        new("context-files", ScanInputKind.List, "Kyverno context files (image metadata, resources)", ValueName: "FILE"),
        new("crds", ScanInputKind.List, "CustomResourceDefinition files, so policies can match custom kinds", ValueName: "PATH"),
        new("chart-roots", ScanInputKind.List, "folders holding Helm charts, to map helm template output to templates", ValueName: "DIR"),
        new("credential-providers", ScanInputKind.List, "providers for policies without a credentials block", [.. Oci.Credentials.CredentialProviders.Known.Order(StringComparer.Ordinal)], "NAME"),
        new("registry-mirrors", ScanInputKind.List, "serve a registry host from an OCI image layout folder", ValueName: "HOST=oci:PATH"),
        new("registry-secrets", ScanInputKind.List, "docker config.json for a secret named in a policy's credentials.secrets", ValueName: "NAME=FILE"),
        new("insecure-registries", ScanInputKind.List, "allow plain HTTP or unverified TLS for this registry host", ValueName: "HOST"),
        new("ca-file", ScanInputKind.Single, "extra trusted CA certificates (PEM) for registries", ValueName: "FILE"),
        new("allow-http", ScanInputKind.List, "let http.get/post in policies call this host", ValueName: "HOST"),
        new("fail-on", ScanInputKind.Single, "which findings fail the run (default deny)", ["deny", "warn", "never"]),
        new("sarif", ScanInputKind.Single, "write a SARIF 2.1.0 report to FILE", ValueName: "FILE"),
        new("junit", ScanInputKind.Single, "write a JUnit report to FILE", ValueName: "FILE"),
        new("format", ScanInputKind.Single, "format of the main report (default table)", ReportFormats.Names),
        new("output", ScanInputKind.Single, "write the main report to FILE instead of standard output", ValueName: "FILE"),
        new("comment", ScanInputKind.Boolean, "post or update the pull-request comment"),
        new("check-run", ScanInputKind.Boolean, "create a check run with annotations (opt-in)"),
        new("pr-status", ScanInputKind.Boolean, "set an Azure DevOps pull-request status a branch policy can require (opt-in)"),
        new("pin-digests", ScanInputKind.Boolean, "rewrite manifests to the verified repo:tag@digest"),
        new("offline", ScanInputKind.Boolean, "no network beyond registries: no OCSP/CRL, no cloud token exchange"),
        new("explain", ScanInputKind.Boolean, "print every attestor tried for each failing image and why it failed"),
        new("resolve-digests", ScanInputKind.Boolean, "pin tags to digests before validation, as the cluster does (default true)"),
        new("mode", ScanInputKind.Single, "admission: objects as CREATE requests; background: as existing resources", ["admission", "background"]),
        new("operation", ScanInputKind.Single, "admission operation", ["CREATE", "UPDATE", "DELETE", "CONNECT"]),
        new("verbosity", ScanInputKind.Single, "how much to log on standard error", ["quiet", "normal", "detailed", "diagnostic"]),
        new("sarif-category", ScanInputKind.Single, "SARIF automationDetails category (default imagegate)", ValueName: "NAME"),
        new("parallelism", ScanInputKind.Single, "how many resources to evaluate at once (results do not depend on it)", ValueName: "N"),
        new("github-token", ScanInputKind.Single, "token for pull-request comments and check runs (default GITHUB_TOKEN); environment only", ValueName: "TOKEN"),
    ];

    /// <summary>Resolves the inputs. <paramref name="flags"/> holds the values given on the command line by input
    /// name (a flag without value as <c>true</c>); an input absent there is read from <paramref name="environment"/>.</summary>
    /// <exception cref="ScanInputException">A value is invalid or a required input is missing.</exception>
    public static ScanInputs Resolve(IReadOnlyDictionary<string, IReadOnlyList<string>> flags, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var name in flags.Keys)
        {
            if (!Specs.Any(s => s.Name == name))
            {
                throw new ScanInputException($"unknown input '{name}'");
            }
        }
        var reader = new Reader(flags, environment);
        var failOn = reader.Single("fail-on")?.ToLowerInvariant();
        var token = reader.Single("github-token") ?? Trimmed(environment("GITHUB_TOKEN"));
        var secrets = SecretInputs.SelectMany(reader.RawEnvironmentValues).Append(token)
            .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).Distinct(StringComparer.Ordinal).ToList();
        var inputs = new ScanInputs
        {
            Policies = reader.List("policies"),
            Manifests = reader.List("manifests"),
            Exclude = reader.List("exclude"),
            Exceptions = reader.List("exceptions"),
            ClusterResources = reader.List("cluster-resources"),
            Values = reader.List("values"),
            ContextFiles = reader.List("context-files"),
            Crds = reader.List("crds"),
            ChartRoots = reader.List("chart-roots"),
            CredentialProviders = reader.List("credential-providers"),
            RegistryMirrors = reader.List("registry-mirrors"),
            RegistrySecrets = reader.List("registry-secrets"),
            InsecureRegistries = reader.List("insecure-registries"),
            CaFile = reader.Single("ca-file"),
            AllowHttp = reader.List("allow-http"),
            FailOn = failOn switch { "warn" => FailOn.Warn, "never" => FailOn.Never, _ => FailOn.Deny },
            SarifPath = reader.Single("sarif"),
            JUnitPath = reader.Single("junit"),
            Format = reader.Single("format")?.ToLowerInvariant() ?? "table",
            OutputPath = reader.Single("output"),
            Comment = reader.Boolean("comment") ?? false,
            CheckRun = reader.Boolean("check-run") ?? false,
            PrStatus = reader.Boolean("pr-status") ?? false,
            PinDigests = reader.Boolean("pin-digests") ?? false,
            Offline = reader.Boolean("offline") ?? false,
            Explain = reader.Boolean("explain") ?? false,
            ResolveDigests = reader.Boolean("resolve-digests") ?? true,
            Mode = reader.Single("mode")?.ToLowerInvariant() ?? "admission",
            Operation = reader.Single("operation")?.ToUpperInvariant(),
            Verbosity = reader.Single("verbosity")?.ToLowerInvariant(),
            SarifCategory = reader.Single("sarif-category") ?? "imagegate",
            Parallelism = reader.Single("parallelism"),
            GitHubToken = token,
            Secrets = secrets,
        };
        foreach (var mirror in inputs.RegistryMirrors)
        {
            try
            {
                Oci.Client.RegistryClientOptions.ParseMirror(mirror);
            }
            catch (FormatException ex)
            {
                throw new ScanInputException($"input 'registry-mirrors': '{mirror}': {ex.Message}");
            }
        }
        foreach (var secret in inputs.RegistrySecrets)
        {
            var eq = secret.IndexOf('=');
            if (eq <= 0 || eq == secret.Length - 1)
            {
                throw new ScanInputException($"input 'registry-secrets': '{secret}' is not NAME=FILE");
            }
        }
        if (inputs.Policies.Count == 0)
        {
            throw new ScanInputException("input 'policies' is required: give --policies PATH or set INPUT_POLICIES");
        }
        if (inputs.Manifests.Count == 0)
        {
            throw new ScanInputException("input 'manifests' is required: give --manifests PATH or set INPUT_MANIFESTS");
        }
        return inputs;
    }

    /// <summary>Platform variables holding credentials ImageGate may use: the job tokens, the OIDC request token, static
    /// cloud keys. They are masked too, in case a pipeline maps them from a plain variable.</summary>
    public static IReadOnlyList<string> PlatformSecretVariables { get; } =
        ["GITHUB_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    /// <summary>The values of the secret inputs and <see cref="PlatformSecretVariables"/> in <paramref name="environment"/>,
    /// read without any check, so they can be masked before inputs are resolved and errors printed.</summary>
    public static IReadOnlyList<string> SecretValues(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var reader = new Reader(new Dictionary<string, IReadOnlyList<string>>(), environment);
        return [.. SecretInputs.SelectMany(reader.RawEnvironmentValues).Concat(PlatformSecretVariables.Select(v => Trimmed(environment(v))))
            .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Splits one input value into entries: per line, then on commas outside <c>{…}</c> (glob alternatives),
    /// each trimmed, empties dropped.</summary>
    public static IReadOnlyList<string> SplitList(string value)
    {
        var entries = new List<string>();
        foreach (var line in value.Split('\n'))
        {
            var depth = 0;
            var start = 0;
            for (var i = 0; i <= line.Length; i++)
            {
                var c = i < line.Length ? line[i] : ',';
                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}' && depth > 0)
                {
                    depth--;
                }
                else if (c == ',' && (depth == 0 || i == line.Length))
                {
                    var entry = line[start..i].Trim();
                    if (entry.Length > 0)
                    {
                        entries.Add(entry);
                    }
                    start = i + 1;
                }
            }
        }
        return entries;
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Reads one input from its flag or its variables and checks its value.</summary>
    private sealed class Reader(IReadOnlyDictionary<string, IReadOnlyList<string>> flags, Func<string, string?> environment)
    {
        public IReadOnlyList<string> List(string name)
        {
            var (spec, values, source) = Raw(name);
            var entries = values.SelectMany(SplitList).ToList();
            if (entries.Count > MaxListEntries)
            {
                throw new ScanInputException($"input '{name}' ({source}) has {entries.Count} entries; at most {MaxListEntries} are accepted");
            }
            foreach (var entry in entries)
            {
                Check(spec, entry, source);
            }
            return entries;
        }

        public string? Single(string name)
        {
            var (spec, values, source) = Raw(name);
            if (values.Count > 1)
            {
                throw new ScanInputException($"input '{name}' ({source}) is given more than once");
            }
            var value = values.Count == 0 ? null : Trimmed(values[0]);
            if (value is not null)
            {
                Check(spec, value, source);
            }
            return value;
        }

        public bool? Boolean(string name)
        {
            var (_, values, source) = Raw(name);
            if (values.Count == 0)
            {
                return null;
            }
            return values[^1].Trim() switch
            {
                "true" or "True" or "TRUE" => true,
                "false" or "False" or "FALSE" => false,
                var other => throw new ScanInputException($"input '{name}' ({source}) must be true or false, got '{Shorten(other)}'"),
            };
        }

        /// <summary>The raw values of an input from the environment, for masking (never checked or split).</summary>
        public IEnumerable<string?> RawEnvironmentValues(string name)
        {
            var spec = new ScanInputSpec(name, ScanInputKind.Single, "");
            return new[] { spec.GitHubVariable }.Concat(spec.AlternateVariables).Select(v => Trimmed(environment(v)));
        }

        private (ScanInputSpec Spec, IReadOnlyList<string> Values, string Source) Raw(string name)
        {
            var spec = Specs.Single(s => s.Name == name);
            if (flags.TryGetValue(name, out var given) && given.Count > 0)
            {
                foreach (var v in given)
                {
                    Bound(v, "--" + name, name);
                }
                return (spec, given, "--" + name);
            }
            foreach (var variable in new[] { spec.GitHubVariable }.Concat(spec.AlternateVariables))
            {
                if (Trimmed(environment(variable)) is { } value)
                {
                    Bound(value, variable, name);
                    return (spec, [value.Replace("\r\n", "\n", StringComparison.Ordinal)], variable);
                }
            }
            return (spec, [], "");
        }

        private static void Bound(string value, string source, string name)
        {
            if (value.Length > MaxValueLength)
            {
                throw new ScanInputException($"input '{name}' ({source}) is longer than {MaxValueLength} characters");
            }
        }

        private static void Check(ScanInputSpec spec, string value, string source)
        {
            if (spec.AllowedValues is { } allowed && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                throw new ScanInputException($"input '{spec.Name}' ({source}) does not accept '{Shorten(value)}'; use one of: {string.Join(", ", allowed)}");
            }
            if (value.Any(char.IsControl))
            {
                throw new ScanInputException($"input '{spec.Name}' ({source}) contains a control character");
            }
        }

        private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
    }
}
