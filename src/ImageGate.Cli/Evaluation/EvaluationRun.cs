using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using ImageGate.Manifests;
using ImageGate.Manifests.Discovery;
using ImageGate.Policies.Engine;
using ImageGate.Policies.Loading;
using ImageGate.Policies.Validation;
using ImageGate.Reporting;
using ImageGate.Verification;
using Model = ImageGate.Policies.Model;
using ReportSpan = ImageGate.Reporting.SourceSpan;

namespace ImageGate.Cli.Evaluation;

/// <summary>What one evaluation run reads.</summary>
public sealed record EvaluationRequest
{
    /// <summary>Policy files, folders or globs.</summary>
    public required IReadOnlyList<string> Policies { get; init; }

    /// <summary>Resource files, folders or globs.</summary>
    public required IReadOnlyList<string> Resources { get; init; }

    /// <summary>PolicyException files.</summary>
    public IReadOnlyList<string> Exceptions { get; init; } = [];

    /// <summary>Patterns left out of resource discovery.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>A values document written inline in a test file (<c>values:</c>).</summary>
    public JsonObject? InlineValues { get; init; }

    /// <summary>Kyverno values files.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Kyverno context files.</summary>
    public IReadOnlyList<string> Context { get; init; } = [];

    /// <summary>Cluster resource files.</summary>
    public IReadOnlyList<string> ClusterResources { get; init; } = [];

    /// <summary>CustomResourceDefinition files: their kinds become matchable by <c>resourceRules</c>.</summary>
    public IReadOnlyList<string> Crds { get; init; } = [];

    /// <summary>Chart folders for mapping Helm output to templates.</summary>
    public IReadOnlyList<string> ChartRoots { get; init; } = [];

    /// <summary>Admission or background.</summary>
    public EvaluationPhase Phase { get; init; } = EvaluationPhase.Admission;

    /// <summary>Operation override (else the values file's, else CREATE).</summary>
    public string? Operation { get; init; }

    /// <summary>Resolve tags to digests as the mutating webhook does.</summary>
    public bool ResolveDigests { get; init; } = true;

    /// <summary>Global context entries by name (<c>globalContext.get</c>).</summary>
    public IReadOnlyDictionary<string, JsonNode?> GlobalContext { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Hosts that <c>http.get/post</c> may call.</summary>
    public IReadOnlyList<string> AllowHttpHosts { get; init; } = [];

    /// <summary>Report bad files and go on.</summary>
    public bool ContinueOnError { get; init; }

    /// <summary>Standard input, read for the resource input <c>-</c>.</summary>
    public TextReader? Stdin { get; init; }

    /// <summary>Called after each resource with the number evaluated and the total, for progress lines
    /// (never concurrently).</summary>
    public Action<int, int>? Progress { get; init; }

    /// <summary>How many resources are evaluated at once. Results are the same for every value: they are
    /// collected per resource and reported in input order.</summary>
    public int Parallelism { get; init; } = DefaultParallelism;

    /// <summary>The default <see cref="Parallelism"/>: most of a run's time is spent waiting on registries, so more
    /// evaluations than processors pay off; eight matches the registry client's concurrent requests per registry.</summary>
    public static int DefaultParallelism { get; } = Math.Max(8, Environment.ProcessorCount);

    /// <summary>Keep the engine's raw results in <see cref="EvaluationOutput.Outcomes"/> (for digest pins and test
    /// checks); without them a large run holds only its findings.</summary>
    public bool KeepOutcomes { get; init; } = true;

    /// <summary>The largest <see cref="Parallelism"/> accepted.</summary>
    public const int MaxParallelism = 256;
}

/// <summary>What a run produced: the findings, every resource evaluated, and the engine's raw results (empty unless
/// <see cref="EvaluationRequest.KeepOutcomes"/>).</summary>
public sealed record EvaluationOutput(
    RunResult Result,
    IReadOnlyList<EngineResource> Resources,
    IReadOnlyList<(EngineResource Resource, ManifestDocument Document, PolicyResult Outcome)> Outcomes);

/// <summary>Loads policies, exceptions and resources, runs the engine and turns its results into
/// findings: the pipeline shared by <c>apply</c>, <c>scan</c> and <c>test</c>.</summary>
public static class EvaluationRun
{
    /// <summary>Runs the request. Input problems become error diagnostics (exit code 2), each naming
    /// <c>file:line:column</c>; valid inputs are still evaluated.</summary>
    public static EvaluationOutput Execute(
        EvaluationRequest request, IImageVerifier verifier, string workingDirectory, CancellationToken cancellationToken = default)
    {
        var diagnostics = new List<Diagnostic>();
        var inputErrors = new List<ManifestException>();

        // Exceptions may stand in the policy files too; policies only count from the policy inputs.
        var fromPolicies = LoadPolicies(request.Policies, workingDirectory, inputErrors, diagnostics);
        var fromExceptions = LoadPolicies(request.Exceptions, workingDirectory, inputErrors, diagnostics);
        var policies = fromPolicies.Policies;
        var exceptions = fromPolicies.Exceptions.Concat(fromExceptions.Exceptions).ToList();

        var side = KyvernoInputs.Read(request.Values, request.Context, request.ClusterResources, workingDirectory, inputErrors);
        if (request.InlineValues is { } inline)
        {
            side.ReadValues(inline);
        }
        var found = ManifestDiscovery.Discover(request.Resources, new DiscoveryOptions
        {
            WorkingDirectory = workingDirectory,
            Exclude = request.Exclude,
            ChartRoots = request.ChartRoots,
            ContinueOnError = true,
            Stdin = request.Stdin,
        });
        inputErrors.AddRange(found.Errors);
        // Documents that are not Kubernetes objects are skipped by discovery; say so where the user looks.
        diagnostics.AddRange(found.Notices.Select(n => new Diagnostic(
            n.Contains("not a Kubernetes object", StringComparison.Ordinal) ? DiagnosticLevel.Warning : DiagnosticLevel.Notice, n)));

        var resources = new List<(EngineResource Resource, ManifestDocument Document)>();
        foreach (var doc in found.Documents)
        {
            if (doc.ApiVersion.Length == 0 || doc.Kind.Length == 0)
            {
                diagnostics.Add(new Diagnostic(DiagnosticLevel.Error, "not a Kubernetes object (apiVersion and kind are required); skipped", Span(doc.Span)));
                continue;
            }
            if (doc.ApiVersion.StartsWith("policies.kyverno.io/", StringComparison.Ordinal) || doc.ApiVersion.StartsWith("cli.kyverno.io/", StringComparison.Ordinal))
            {
                continue; // policies and CLI files next to manifests are not resources
            }
            try
            {
                if (YamlJson.Convert(doc.Root) is JsonObject json)
                {
                    resources.Add((new EngineResource(json, new Model.SourceSpan(doc.File, doc.Span.StartLine, doc.Span.StartColumn, doc.Span.EndLine, doc.Span.EndColumn)), doc));
                }
            }
            catch (FormatException ex)
            {
                diagnostics.Add(new Diagnostic(DiagnosticLevel.Error, ex.Message, Span(doc.Span)));
            }
        }
        diagnostics.AddRange(inputErrors.Select(e => new Diagnostic(DiagnosticLevel.Error, e.Reason, new ReportSpan(e.File, e.Line ?? 0, e.Column ?? 0))));

        var kinds = new Policies.Matching.KindRegistry();
        foreach (var (doc, crd) in KyvernoInputs.Documents(request.Crds, workingDirectory, inputErrors))
        {
            if (!KyvernoInputs.AddCrd(kinds, crd))
            {
                diagnostics.Add(new Diagnostic(DiagnosticLevel.Error, "not a CustomResourceDefinition with spec.group, spec.names.kind, spec.names.plural and spec.versions", Span(doc.Span)));
            }
        }
        var options = new EngineOptions
        {
            Kinds = kinds,
            Phase = request.Phase,
            Operation = request.Operation ?? side.Operation ?? "CREATE",
            NamespaceLabels = side.NamespaceLabels,
            ClusterResources = side.ClusterResources,
            ImageContext = side.Images,
            ResolveDigests = request.ResolveDigests,
            AllowedHttpHosts = request.AllowHttpHosts,
            GlobalContext = request.GlobalContext,
        };
        var engine = new PolicyEngine(policies, exceptions, verifier, options);
        // Each worker turns its resource's results into findings at once, so that without KeepOutcomes the engine's
        // results do not outlive their resource. InputOrder only orders findings: resource index, then result index.
        var perResource = EvaluateAll(engine, resources, request, (i, outcomes) =>
        {
            var doc = resources[i].Document;
            var findings = new List<Finding>(outcomes.Count);
            var warnings = new List<Diagnostic>();
            for (var k = 0; k < outcomes.Count; k++)
            {
                var outcome = outcomes[k];
                findings.Add(ToFinding(outcome, doc, ((long)i << 32) + k));
                warnings.AddRange(outcome.Warnings.Select(w => new Diagnostic(DiagnosticLevel.Warning, $"policy {outcome.Policy.Name}, {doc.DisplayName}: {w}", Span(doc.Span))));
            }
            return (Findings: findings, Warnings: warnings, Outcomes: request.KeepOutcomes ? outcomes : null);
        }, cancellationToken);
        var findings = new List<Finding>(perResource.Sum(r => r.Findings.Count));
        var raw = new List<(EngineResource, ManifestDocument, PolicyResult)>();
        for (var i = 0; i < resources.Count; i++)
        {
            findings.AddRange(perResource[i].Findings);
            diagnostics.AddRange(perResource[i].Warnings);
            foreach (var outcome in perResource[i].Outcomes ?? [])
            {
                raw.Add((resources[i].Resource, resources[i].Document, outcome));
            }
        }
        var result = new RunResult(findings, diagnostics)
        {
            PolicyCount = policies.Count,
            ResourceCount = resources.Count,
            ExceptionCount = exceptions.Count,
            Mode = request.Phase == EvaluationPhase.Background ? EvaluationMode.Background : EvaluationMode.Admission,
        };
        return new EvaluationOutput(result, [.. resources.Select(r => r.Item1)], raw);
    }

    /// <summary>Evaluates every resource, <see cref="EvaluationRequest.Parallelism"/> at a time, and returns the
    /// converted results indexed like <paramref name="resources"/>. Workers are dedicated threads, not pool threads: an
    /// evaluation blocks while its registry requests complete on the pool, so blocking pool threads would starve them.</summary>
    private static T[] EvaluateAll<T>(
        PolicyEngine engine, List<(EngineResource Resource, ManifestDocument Document)> resources, EvaluationRequest request,
        Func<int, IReadOnlyList<PolicyResult>, T> convert, CancellationToken cancellationToken)
    {
        if (request.Parallelism is < 1 or > EvaluationRequest.MaxParallelism)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Parallelism, $"parallelism must be between 1 and {EvaluationRequest.MaxParallelism}");
        }
        var outcomes = new T[resources.Count];
        var next = -1;
        var done = 0;
        var progressGate = new object();
        ExceptionDispatchInfo? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Work()
        {
            try
            {
                int i;
                while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < resources.Count)
                {
                    outcomes[i] = convert(i, engine.Evaluate(resources[i].Resource, stop.Token));
                    if (request.Progress is { } progress)
                    {
                        lock (progressGate)
                        {
                            progress(++done, resources.Count);
                        }
                    }
                }
            }
            catch (Exception ex)
            {
                // The first failure wins and stops the other workers, as a one-at-a-time run would have stopped there.
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(ex), null);
                stop.Cancel();
            }
        }
        var workers = Math.Min(request.Parallelism, resources.Count);
        if (workers <= 1)
        {
            Work(); // one at a time: on the caller's thread
        }
        else
        {
            // The main thread's stack size, not the smaller default of new threads: nesting limits were set against it.
            var threads = Enumerable.Range(0, workers).Select(n => new Thread(Work, WorkerStackBytes) { IsBackground = true, Name = $"evaluation {n + 1}" }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }
        failure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return outcomes;
    }

    private const int WorkerStackBytes = 8 * 1024 * 1024;

    private static PolicyLoadResult LoadPolicies(IReadOnlyList<string> paths, string workingDirectory, List<ManifestException> errors, List<Diagnostic> diagnostics)
    {
        if (paths.Count == 0)
        {
            return PolicyLoadResult.Empty;
        }
        var found = ManifestDiscovery.Discover(paths, new DiscoveryOptions { WorkingDirectory = workingDirectory, ContinueOnError = true });
        errors.AddRange(found.Errors);
        var results = found.Documents.Select(d => PolicyLoader.LoadDocument(d.Root, d.File)).ToList();
        var combined = PolicyLoadResult.Combine(results);
        foreach (var d in combined.Diagnostics)
        {
            var level = d.Severity switch
            {
                DiagnosticSeverity.Error => DiagnosticLevel.Error,
                DiagnosticSeverity.Warning => DiagnosticLevel.Warning,
                _ => DiagnosticLevel.Notice,
            };
            diagnostics.Add(new Diagnostic(level, $"{d.Path}: {d.Message}", new ReportSpan(d.Span.File, d.Span.Line, d.Span.Column)));
        }
        return combined;
    }

    /// <summary>One engine result as a finding, with the manifest's and the chart template's spans.</summary>
    public static Finding ToFinding(PolicyResult outcome, ManifestDocument doc, long order)
    {
        var policy = outcome.Policy;
        var images = new List<ImageRef>();
        foreach (var image in outcome.Images.Count > 0 ? outcome.Images : outcome.FailingImage is { } f ? [f] : [])
        {
            var raw = outcome.PinnedImages.FirstOrDefault(p => p.Value == image).Key ?? image;
            var written = doc.Images.FirstOrDefault(i => i.Image == raw);
            images.Add(new ImageRef(raw)
            {
                Span = written is null ? null : Span(written.Template?.Span ?? written.Span),
                PinnedReference = outcome.PinnedImages.TryGetValue(raw, out var pinned) ? pinned : null,
            });
        }
        if (outcome.FailingImage is { } failing)
        {
            // The failing image first, so annotations land on its line.
            var index = images.FindIndex(i => i.Reference == failing || i.PinnedReference == failing);
            if (index > 0)
            {
                var first = images[index];
                images.RemoveAt(index);
                images.Insert(0, first);
            }
        }
        return new Finding
        {
            Policy = policy.Name,
            Kind = policy.Kind == Model.PolicyKind.NamespacedImageValidatingPolicy ? PolicyKind.NamespacedImageValidatingPolicy : PolicyKind.ImageValidatingPolicy,
            PolicyNamespace = policy.Namespace,
            AutogenVariant = policy.AutogenKey,
            PolicySpan = outcome.PolicyLocation is { } at ? new ReportSpan(at.File, at.Line, at.Column) : new ReportSpan(policy.Span.File, policy.Span.Line, policy.Span.Column),
            PolicyDescription = policy.Metadata.Annotations.GetValueOrDefault("policies.kyverno.io/description"),
            Category = policy.Metadata.Annotations.GetValueOrDefault("policies.kyverno.io/category"),
            Severity = policy.Metadata.Annotations.GetValueOrDefault("policies.kyverno.io/severity"),
            Rule = outcome.Rule,
            ValidationIndex = outcome.ValidationIndex,
            Resource = new ResourceRef(doc.ApiVersion, doc.Kind, doc.Namespace, doc.Name)
            {
                Span = Span(doc.Span),
                // For Helm output, the template line of the (failing-first) image when known: annotations land on it.
                TemplateSpan = images.Select(i => doc.Images.FirstOrDefault(w => w.Image == i.Reference)?.Template?.Span).FirstOrDefault(t => t is not null) is { } imageLine
                    ? Span(imageLine)
                    : doc.Helm?.Template?.Span is { } t ? Span(t) : null,
            },
            Images = images,
            Result = outcome.Status switch
            {
                PolicyStatus.Pass => Outcome.Pass,
                PolicyStatus.Fail => Outcome.Fail,
                PolicyStatus.Skip => Outcome.Skip,
                _ => Outcome.Error,
            },
            Scored = policy.Scored,
            Message = outcome.Message,
            AttestorReasons = [.. outcome.AttestorReasons.Select(r => new AttestorReason(r.Image, r.Attestor, r.Reason))],
            Actions = [.. policy.Spec.ValidationActions.Select(a => a switch
            {
                Model.ValidationAction.Warn => ValidationAction.Warn,
                Model.ValidationAction.Audit => ValidationAction.Audit,
                _ => ValidationAction.Deny,
            })],
            Properties = outcome.AuditAnnotations,
            Exceptions = outcome.Exceptions,
            InputOrder = order,
        };
    }

    private static ReportSpan Span(Manifests.SourceSpan s) => new(s.File, s.StartLine, s.StartColumn, s.EndLine, s.EndColumn);
}
