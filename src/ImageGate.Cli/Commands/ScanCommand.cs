using ImageGate.Ci.AzureDevOps;
using ImageGate.Ci.GitHub;
using ImageGate.Ci.GitHub.Runner;
using ImageGate.Ci.Inputs;
using ImageGate.Ci.Publishing;
using ImageGate.Cli.Evaluation;
using ImageGate.Cli.Framework;
using ImageGate.Cli.Scan;
using ImageGate.Policies.Engine;
using ImageGate.Reporting;

namespace ImageGate.Cli.Commands;

/// <summary><c>imagegate scan</c>: the CI mode. Discovery, evaluation and every reporter in one run, configured by flags
/// or, for each flag not given, by the platform's inputs (<c>INPUT_*</c>). On GitHub Actions it also masks secrets,
/// writes annotations, the step summary and the step outputs; on Azure Pipelines it marks secrets and logs issues;
/// then it hands the run to the pull-request publishers.</summary>
public sealed class ScanCommand(RunPublisherFactory publishers) : Command
{
    /// <summary>How often a long run prints a progress line.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>A scan without pull-request publishers.</summary>
    public ScanCommand()
        : this(_ => [])
    {
    }

    /// <inheritdoc />
    public override string Name => "scan";

    /// <inheritdoc />
    public override string Summary => "CI mode: evaluate policies on manifests and write every report (GitHub, SARIF, JUnit)";

    /// <inheritdoc />
    public override string? Description =>
        "Every option can also come from the CI platform's inputs: --fail-on from INPUT_FAIL-ON (GitHub) or\n" +
        "INPUT_FAILON (Azure DevOps); list inputs take one entry per line or comma-separated entries. With\n" +
        "GITHUB_ACTIONS=true it masks secrets, writes annotations at the manifest lines, $GITHUB_STEP_SUMMARY and\n" +
        "$GITHUB_OUTPUT (result, pass, fail, warn, error, skip, blocking, sarif, pinned-images, pinned-files).\n" +
        "Exit code 0: nothing blocking under --fail-on; 1: blocking findings; 2: invalid input.";

    /// <inheritdoc />
    public override PositionalSpec Positionals { get; } = new("MANIFEST", "manifest file, folder or glob (added to --manifests)");

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        .. ScanInputResolver.Specs.Where(s => !EnvironmentOnly.Contains(s.Name)).Select(ToOption),
        new("--no-resolve-digests", "do not pin tags to digests before validation (input resolve-digests: false)"),
        new("--stats", "print registry requests and cache hits per registry to standard error"),
    ];

    // verbosity is a global option; secrets never come on the command line (argv is visible to other processes);
    // resolve-digests defaults to true, so only its negation is a flag.
    private static readonly string[] EnvironmentOnly = ["verbosity", "resolve-digests", .. ScanInputResolver.SecretInputs];

    private static OptionSpec ToOption(ScanInputSpec spec) => new(
        "--" + spec.Name,
        spec.Description,
        spec.Kind == ScanInputKind.Boolean ? null : spec.ValueName ?? "VALUE",
        spec.Name == "format" ? "-o" : null,
        Repeatable: spec.Kind == ScanInputKind.List,
        AllowedValues: spec.AllowedValues);

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(ParsedArguments args, CliContext context)
    {
        var env = context.Environment;
        GitHubContext github;
        try
        {
            github = GitHubContext.FromEnvironment(env);
        }
        catch (InvalidDataException ex)
        {
            throw new UsageException(ex.Message);
        }
        var ci = new CiLog(github.IsActions ? new WorkflowCommands(context.Stdout) : null,
            !github.IsActions && AzurePipelinesSecrets.IsAzurePipelines(env) ? new AzurePipelinesSecrets(context.Stdout) : null);
        // Secrets first: nothing may print before they are masked.
        foreach (var secret in ScanInputResolver.SecretValues(env))
        {
            ci.Mask?.Invoke(secret);
        }
        try
        {
            return await RunAsync(args, context, github, ci).ConfigureAwait(false);
        }
        catch (UsageException ex) when (ci.GitHub is not null)
        {
            // Input errors also as an annotation, where GitHub users look first.
            ci.GitHub.Error(ex.Message);
            throw;
        }
    }

    /// <summary>The CI log surfaces of this run: GitHub workflow commands or Azure Pipelines secret marking (or neither).</summary>
    private sealed record CiLog(WorkflowCommands? GitHub, AzurePipelinesSecrets? Azure)
    {
        public Action<string>? Mask => GitHub is not null ? GitHub.AddMask : Azure is not null ? Azure.Add : null;
    }

    private async Task<int> RunAsync(ParsedArguments args, CliContext context, GitHubContext github, CiLog ci)
    {
        var env = context.Environment;
        ScanInputs inputs;
        try
        {
            inputs = ScanInputResolver.Resolve(Flags(args), env);
        }
        catch (ScanInputException ex)
        {
            throw new UsageException(ex.Message);
        }
        AzureDevOpsStep? azureStep = null;
        if (ci.Azure is not null)
        {
            try
            {
                azureStep = AzureDevOpsStep.Detect(env, context.Stdout);
            }
            catch (InvalidDataException ex)
            {
                throw new UsageException(ex.Message);
            }
        }
        if (!context.VerbosityGiven && inputs.Verbosity is { } verbosity)
        {
            context.Logging.Dispose();
            context.Logging = new CliLogging(Verbosity.ToLogLevel(verbosity), context.Stderr);
        }

        using var registries = new RegistrySetup(new RegistrySettings
        {
            Mirrors = inputs.RegistryMirrors,
            Secrets = inputs.RegistrySecrets,
            CaFile = inputs.CaFile,
            InsecureRegistries = inputs.InsecureRegistries,
            DefaultProviders = inputs.CredentialProviders,
            ShowStats = args.Has("--stats"),
            Offline = inputs.Offline,
            OnSecret = ci.Mask,
            Environment = env,
            MirrorOption = "input 'registry-mirrors':",
            SecretOption = "input 'registry-secrets':",
            CaOption = "input 'ca-file':",
        }, context);
        var output = Evaluate(inputs, registries, context);
        var pins = DigestPins.Collect(output);
        var (result, rewritten) = inputs.PinDigests && !output.Result.HasInputErrors
            ? RewritePins(output.Result, pins, context.WorkingDirectory)
            : (output.Result, []);

        var options = ReportOptions(inputs, github, context);
        // On GitHub, the human report quotes repository text; the runner must not take any of it for a command.
        var guard = ci.GitHub is not null && inputs.OutputPath is null && inputs.Format != "github" ? ci.GitHub.StopCommands() : null;
        WriteMainReport(inputs, options, result, context);
        if (guard is not null)
        {
            ci.GitHub!.ResumeCommands(guard);
        }
        if (inputs.SarifPath is { } sarif)
        {
            WriteFile(context.FullPath(sarif), writer => new SarifReporter(options).Write(result, writer));
        }
        if (inputs.JUnitPath is { } junit)
        {
            WriteFile(context.FullPath(junit), writer => new JUnitReporter(options).Write(result, writer));
        }
        var markdown = Render(new MarkdownSummaryReporter(options), result);
        if (ci.GitHub is not null)
        {
            WriteGitHubStep(inputs, options, github, result, markdown, pins, rewritten, context);
        }
        if (ci.Azure is not null && !(inputs.Format == "azure-devops" && inputs.OutputPath is null))
        {
            new AzureDevOpsReporter(options).Write(result, context.Stdout);
        }

        await PublishAsync(new PublishRequest(result, markdown, inputs.SarifPath is null ? null : context.FullPath(inputs.SarifPath)),
            publishers(new PublisherContext(inputs, github, env)), ci.GitHub, context).ConfigureAwait(false);

        foreach (var diagnostic in result.Diagnostics.Where(d => d.Level != DiagnosticLevel.Notice))
        {
            context.Stderr.WriteLine($"{(diagnostic.Location is { } at ? at + ": " : "")}{diagnostic.Level.ToString().ToLowerInvariant()}: {diagnostic.Message}");
        }
        if (registries.ShowStats)
        {
            registries.WriteStats(context.Stderr);
        }
        // In a script step: the SARIF file as the CodeAnalysisLogs artifact, and the step result (the ImageGate task does both itself).
        azureStep?.Finish(result, inputs.FailOn, inputs.SarifPath is null ? null : context.FullPath(inputs.SarifPath));
        return result.ExitCode(inputs.FailOn);
    }

    private static EvaluationOutput Evaluate(ScanInputs inputs, RegistrySetup registries, CliContext context)
    {
        var progress = context.Logging.MinimumLevel <= Microsoft.Extensions.Logging.LogLevel.Warning
            ? new ProgressLine(context.Stderr, ProgressInterval) : null;
        return EvaluationRun.Execute(new EvaluationRequest
        {
            Policies = inputs.Policies,
            Resources = inputs.Manifests,
            Exceptions = inputs.Exceptions,
            Exclude = inputs.Exclude,
            Values = inputs.Values,
            Context = inputs.ContextFiles,
            ClusterResources = inputs.ClusterResources,
            ChartRoots = inputs.ChartRoots,
            Crds = inputs.Crds,
            AllowHttpHosts = inputs.AllowHttp,
            Phase = inputs.Mode == "background" ? EvaluationPhase.Background : EvaluationPhase.Admission,
            Operation = inputs.Operation,
            ResolveDigests = inputs.ResolveDigests,
            Stdin = context.Stdin,
            Progress = progress is null ? null : progress.Report,
            Parallelism = ParallelismOption.Parse(inputs.Parallelism, "parallelism"),
        }, Verifiers.Create(registries), context.WorkingDirectory, context.Cancellation);
    }

    /// <summary>Writes the pins into the manifests and adds what happened to the run's diagnostics.</summary>
    private static (RunResult Result, IReadOnlyList<string> Files) RewritePins(RunResult result, IReadOnlyList<ImagePin> pins, string workingDirectory)
    {
        var rewrite = DigestPins.Rewrite(pins, workingDirectory);
        var extra = rewrite.Problems.Select(p => new Diagnostic(DiagnosticLevel.Warning, "pin-digests: " + p)).ToList();
        if (rewrite.Images > 0)
        {
            extra.Add(new Diagnostic(DiagnosticLevel.Notice, $"pin-digests: pinned {rewrite.Images} image(s) to their digests in {string.Join(", ", rewrite.Files)}"));
        }
        return (WithDiagnostics(result, extra), rewrite.Files);
    }

    /// <summary>Annotations, the step summary and the step outputs.</summary>
    private static void WriteGitHubStep(ScanInputs inputs, ReportOptions options, GitHubContext github, RunResult result, string markdown,
        IReadOnlyList<ImagePin> pins, IReadOnlyList<string> rewritten, CliContext context)
    {
        if (!(inputs.Format == "github" && inputs.OutputPath is null))
        {
            new GitHubAnnotationsReporter(options).Write(result, context.Stdout);
        }
        if (github.StepSummaryFile is { } summary)
        {
            EnvironmentFile("GITHUB_STEP_SUMMARY", summary, () => EnvironmentFiles.AppendSummary(summary, markdown));
        }
        if (github.OutputFile is { } outputs)
        {
            var pinList = pins.Where(p => p.Pinned != p.Image).DistinctBy(p => p.Image).Select(p => new KeyValuePair<string, string>(p.Image, p.Pinned));
            EnvironmentFile("GITHUB_OUTPUT", outputs, () => EnvironmentFiles.AppendOutputs(outputs, ScanOutputs.Build(result, inputs.FailOn, inputs.SarifPath, pinList, rewritten)));
        }
    }

    /// <summary>The flags given, by input name; positionals count as manifests.</summary>
    private static Dictionary<string, IReadOnlyList<string>> Flags(ParsedArguments args)
    {
        var flags = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var spec in ScanInputResolver.Specs.Where(s => !EnvironmentOnly.Contains(s.Name)))
        {
            if (args.Has("--" + spec.Name))
            {
                flags[spec.Name] = args.Values("--" + spec.Name);
            }
        }
        if (args.Positionals.Count > 0)
        {
            flags["manifests"] = [.. flags.GetValueOrDefault("manifests") ?? [], .. args.Positionals];
        }
        if (args.Has("--no-resolve-digests"))
        {
            flags["resolve-digests"] = ["false"];
        }
        return flags;
    }

    private static ReportOptions ReportOptions(ScanInputs inputs, GitHubContext github, CliContext context)
    {
        var revision = github.PullRequest?.HeadSha ?? github.Sha;
        var repository = github.Repository is { } repo ? new Uri(github.ServerUrl, repo).ToString() : null;
        return new ReportOptions
        {
            RepositoryRoot = github.Workspace
                ?? (AzurePipelinesSecrets.IsAzurePipelines(context.Environment) && context.Environment("BUILD_SOURCESDIRECTORY") is { Length: > 0 } sources ? sources : null)
                ?? context.WorkingDirectory,
            FailOn = inputs.FailOn,
            Explain = inputs.Explain,
            ToolVersion = HelpWriter.Version,
            SarifCategory = inputs.SarifCategory,
            RepositoryUri = repository,
            Revision = repository is null ? null : revision,
            LinkBaseUrl = github.IsActions && repository is not null && revision is not null ? $"{repository}/blob/{revision}/" : null,
        };
    }

    private static void WriteMainReport(ScanInputs inputs, ReportOptions options, RunResult result, CliContext context)
    {
        var reporter = ReportFormats.Create(inputs.Format, options)!;
        if (inputs.OutputPath is { } path)
        {
            WriteFile(context.FullPath(path), writer => reporter.Write(result, writer));
        }
        else
        {
            reporter.Write(result, context.Stdout);
        }
    }

    private static async Task PublishAsync(PublishRequest request, IReadOnlyList<IRunPublisher> publishers, WorkflowCommands? commands, CliContext context)
    {
        foreach (var publisher in publishers)
        {
            IReadOnlyList<string> notices;
            try
            {
                notices = (await publisher.PublishAsync(request, context.Cancellation).ConfigureAwait(false)).Notices;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Publishing is feedback, not the verdict: a failure is reported and the exit code stays the findings'.
                var message = $"{publisher.Name}: could not publish: {ex.Message}";
                if (commands is not null)
                {
                    commands.Warning(message);
                }
                else
                {
                    context.Stderr.WriteLine("warning: " + message);
                }
                continue;
            }
            foreach (var notice in notices)
            {
                if (commands is not null)
                {
                    commands.Notice($"{publisher.Name}: {notice}");
                }
                else
                {
                    context.Stderr.WriteLine($"notice: {publisher.Name}: {notice}");
                }
            }
        }
    }

    private static void EnvironmentFile(string variable, string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{variable} ({path}) cannot be written: {ex.Message}");
        }
    }

    private static RunResult WithDiagnostics(RunResult result, IReadOnlyList<Diagnostic> extra) =>
        extra.Count == 0 ? result : new RunResult(result.Findings, [.. result.Diagnostics, .. extra])
        {
            PolicyCount = result.PolicyCount,
            ResourceCount = result.ResourceCount,
            ExceptionCount = result.ExceptionCount,
            Mode = result.Mode,
        };

    private static string Render(IReporter reporter, RunResult result)
    {
        var writer = new StringWriter { NewLine = "\n" };
        reporter.Write(result, writer);
        return writer.ToString();
    }

    private static void WriteFile(string path, Action<TextWriter> write)
    {
        if (Path.GetDirectoryName(path) is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
        }
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        write(writer);
    }
}
