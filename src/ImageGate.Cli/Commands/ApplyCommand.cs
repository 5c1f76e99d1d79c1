using ImageGate.Cli.Evaluation;
using ImageGate.Cli.Framework;
using ImageGate.Policies.Engine;
using ImageGate.Reporting;
using ImageGate.Verification;

namespace ImageGate.Cli.Commands;

/// <summary><c>imagegate apply POLICY... --resource PATH...</c>: evaluates image validating policies on
/// manifests, like <c>kyverno apply</c>, with the CI meaning of validationActions (decision 5).</summary>
public sealed class ApplyCommand : Command
{
    /// <inheritdoc />
    public override string Name => "apply";

    /// <inheritdoc />
    public override string Summary => "evaluate image validating policies on manifests (like kyverno apply)";

    /// <inheritdoc />
    public override string? Description =>
        "Loads ImageValidatingPolicy, NamespacedImageValidatingPolicy and PolicyException documents, evaluates\n" +
        "them on every resource, verifies signatures against the registries, and reports. Exit code 0: nothing\n" +
        "blocking; 1: a failure or error under a Deny action; 2: invalid input.";

    /// <inheritdoc />
    public override PositionalSpec Positionals { get; } = new("POLICY", "policy file, folder or glob", 1);

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--resource", "resource file, folder or glob", "PATH", "-r", Repeatable: true),
        new("--exception", "PolicyException file, folder or glob", "PATH", "-e", Repeatable: true),
        new("--exclude", "leave out matching resource files or folders", "GLOB", Repeatable: true),
        new("--values", "Kyverno values file (namespace labels, request.operation)", "FILE", "-f", Repeatable: true),
        new("--context-file", "Kyverno context file (image metadata, resources for resource.get)", "FILE", Repeatable: true),
        new("--cluster-resources", "objects resource.get/list may read", "PATH", Repeatable: true),
        new("--crd", "CustomResourceDefinition files, so policies can match custom kinds", "PATH", Repeatable: true),
        new("--chart-root", "folder holding Helm charts, to map helm template output to templates", "DIR", Repeatable: true),
        new("--mode", "admission: objects as CREATE requests; background: as existing resources", "MODE", AllowedValues: ["admission", "background"], Default: "admission"),
        new("--operation", "admission operation", "OP", AllowedValues: ["CREATE", "UPDATE", "DELETE", "CONNECT"]),
        new("--allow-http", "let http.get/post in policies call this host (refused otherwise)", "HOST", Repeatable: true),
        new("--no-resolve-digests", "do not pin tags to digests before validation (the Kyverno CLI never does)"),
        new("--format", "output format", "FORMAT", "-o", AllowedValues: [.. ReportFormats.Names], Default: "table"),
        new("--output", "write the report to FILE instead of standard output", "FILE"),
        new("--fail-on", "which findings fail the run", "LEVEL", AllowedValues: ["deny", "warn", "never"], Default: "deny"),
        new("--explain", "print why each attestor failed for each failing image"),
        ParallelismOption.Spec,
        .. RegistrySetup.Options,
    ];

    /// <inheritdoc />
    public override int Execute(ParsedArguments args, CliContext context)
    {
        var resources = args.Values("--resource");
        if (resources.Count == 0)
        {
            throw new UsageException("apply needs at least one --resource PATH");
        }
        using var registries = new RegistrySetup(args, context);
        var verifier = Verifiers.Create(registries);
        var result = EvaluationRun.Execute(new EvaluationRequest
        {
            Policies = args.Positionals,
            Resources = resources,
            Exceptions = args.Values("--exception"),
            Exclude = args.Values("--exclude"),
            Values = args.Values("--values"),
            Context = args.Values("--context-file"),
            ClusterResources = args.Values("--cluster-resources"),
            ChartRoots = args.Values("--chart-root"),
            Crds = args.Values("--crd"),
            AllowHttpHosts = args.Values("--allow-http"),
            Phase = args.Value("--mode") == "background" ? EvaluationPhase.Background : EvaluationPhase.Admission,
            Operation = args.Value("--operation"),
            ResolveDigests = !args.Has("--no-resolve-digests"),
            Stdin = context.Stdin,
            Parallelism = ParallelismOption.Read(args),
            KeepOutcomes = false,
        }, verifier, context.WorkingDirectory).Result;

        var failOn = args.Value("--fail-on") switch { "warn" => FailOn.Warn, "never" => FailOn.Never, _ => FailOn.Deny };
        var options = new ReportOptions
        {
            RepositoryRoot = context.WorkingDirectory,
            FailOn = failOn,
            Explain = args.Has("--explain"),
            ToolVersion = HelpWriter.Version,
        };
        var reporter = ReportFormats.Create(args.Value("--format") ?? "table", options)!;
        if (args.Value("--output") is { } output)
        {
            using var file = new StreamWriter(context.FullPath(output));
            reporter.Write(result, file);
        }
        else
        {
            reporter.Write(result, context.Stdout);
        }
        foreach (var diagnostic in result.Diagnostics.Where(d => d.Level != DiagnosticLevel.Notice))
        {
            context.Stderr.WriteLine($"{(diagnostic.Location is { } at ? at + ": " : "")}{diagnostic.Level.ToString().ToLowerInvariant()}: {diagnostic.Message}");
        }
        if (registries.ShowStats)
        {
            registries.WriteStats(context.Stderr);
        }
        return result.ExitCode(failOn);
    }
}
