using System.Diagnostics;
using System.Text.Json.Nodes;
using ImageGate.Cel;
using ImageGate.Policies.Autogen;
using ImageGate.Policies.Kyverno;
using ImageGate.Policies.Model;
using ImageGate.Verification;

namespace ImageGate.Policies.Engine;

/// <summary>Evaluates image validating policies on resources the way Kyverno's admission path does
/// (kyverno-ivpol §2.3, §2.4, §2.11), with the corrections listed in docs/kyverno-differences.md.
/// Policies and their autogen variants are compiled once per engine; the verifier memoises across
/// every policy and resource of the run.</summary>
public sealed class PolicyEngine
{
    private readonly List<CompiledPolicy> policies;
    private readonly IImageVerifier verifier;
    private readonly EngineOptions options;

    /// <summary>Compiles the policies (with autogen variants) and the exceptions that name them.</summary>
    public PolicyEngine(IEnumerable<ImageValidatingPolicy> policies, IEnumerable<PolicyException> exceptions, IImageVerifier verifier, EngineOptions? options = null)
    {
        this.verifier = verifier;
        this.options = options ?? new EngineOptions();
        var now = DateTimeOffset.UtcNow;
        var live = exceptions.Where(e => !e.IsExpired(now)).ToList();
        this.policies = [];
        foreach (var policy in policies)
        {
            if (this.options.Phase == EvaluationPhase.Background && !policy.Spec.Evaluation.BackgroundEnabled)
            {
                continue;
            }
            foreach (var variant in PolicyAutogen.WithVariants(policy))
            {
                this.policies.Add(CompiledPolicy.Compile(variant, live));
            }
        }
    }

    /// <summary>The compiled policies, variants included, in input order.</summary>
    public IReadOnlyList<CompiledPolicy> Policies => policies;

    /// <summary>Evaluates every policy on one resource. Results come in policy order; a policy that does
    /// not match gives no result.</summary>
    public IReadOnlyList<PolicyResult> Evaluate(EngineResource resource, CancellationToken cancellationToken = default)
    {
        var kind = options.Kinds.Resolve(resource.ApiVersion, resource.Kind);
        var request = new RequestContext(resource, kind, options);
        var results = new List<PolicyResult>();
        var applicable = new List<CompiledPolicy>();
        foreach (var policy in policies)
        {
            // A namespaced policy applies only in its own namespace, as in the admission webhook.
            if (policy.Namespace is { } ns && (!kind.Namespaced || ResourceMatcher.NamespaceOf(resource) != ns))
            {
                continue;
            }
            try
            {
                if (ResourceMatcher.Matches(policy.Policy.Spec.MatchConstraints, resource, kind, options.Operation, options))
                {
                    applicable.Add(policy);
                }
            }
            catch (FormatException ex)
            {
                results.Add(new PolicyResult(policy.Policy, resource, PolicyStatus.Error, $"failed to execute matching: {ex.Message}") { Rule = "match" });
            }
        }

        var pinned = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.ResolveDigests)
        {
            results.AddRange(PinDigests(applicable, request, pinned, cancellationToken));
        }

        var record = new VerificationRecord();
        var passed = new List<(int Index, PolicyResult Result, CompiledPolicy Policy)>();
        foreach (var policy in applicable)
        {
            var started = Stopwatch.GetTimestamp();
            var result = EvaluatePolicy(policy, request, record, cancellationToken);
            if (result is null)
            {
                continue;
            }
            if (pinned.Count > 0)
            {
                result = result with { PinnedImages = pinned };
            }
            if (policy.Policy.Spec.WebhookTimeoutSeconds is { } timeout && Stopwatch.GetElapsedTime(started).TotalSeconds > timeout)
            {
                result = result with { Warnings = [.. result.Warnings, $"evaluation took longer than the policy's webhook timeout of {timeout}s; the API server would apply failurePolicy {policy.Policy.Spec.FailurePolicy}"] };
            }
            results.Add(result);
            if (result.Status == PolicyStatus.Pass)
            {
                passed.Add((results.Count - 1, result, policy));
            }
        }

        // `required` is enforced after every policy ran: another policy's verification counts.
        foreach (var (index, result, policy) in passed)
        {
            if (!policy.Policy.Spec.ValidationConfigurations.Required)
            {
                continue;
            }
            foreach (var image in result.Images)
            {
                var verified = record.Lookup(image);
                if (verified == true)
                {
                    continue;
                }
                results[index] = result with
                {
                    Status = PolicyStatus.Fail,
                    FailingImage = image,
                    Message = verified == false
                        ? $"image {image} failed signature or attestation verification"
                        : $"image {image} is not verified: no policy performed a signature or attestation check on it",
                };
                break;
            }
        }
        return results;
    }

    private PolicyResult? EvaluatePolicy(CompiledPolicy policy, RequestContext request, VerificationRecord record, CancellationToken cancellationToken)
    {
        var p = policy.Policy;
        var resource = request.Resource;
        if (policy.Errors.Count > 0)
        {
            return new PolicyResult(p, resource, PolicyStatus.Error, "failed to compile policy: " + string.Join("; ", policy.Errors))
            {
                Rule = "evaluation",
                PolicyLocation = policy.ErrorLocation,
            };
        }
        var data = request.BaseActivation();
        // Every expression of this policy on this resource draws from one budget (kept per evaluation, so
        // evaluations of other resources share nothing).
        var budget = new CelCostBudget(options.CelCostBudget);
        using var scope = new EvaluationScope(verifier, policy, record, options, cancellationToken) { Budget = budget };
        try
        {
            var result = EvaluateWithin(policy, request, data, scope, budget, cancellationToken);
            // A nested evaluation may have been stopped while its error was absorbed (`variables.x || true`).
            return budget.Stopped ? BudgetError(policy, request, budget, "an expression of the policy", scope) : result;
        }
        catch (CostBudgetExceededException ex)
        {
            return BudgetError(policy, request, budget, ex.Where, scope);
        }
        catch (PolicyEvaluationException) when (budget.Stopped)
        {
            return BudgetError(policy, request, budget, "spec.matchImageReferences", scope);
        }
    }

    private PolicyResult? EvaluateWithin(CompiledPolicy policy, RequestContext request, IReadOnlyDictionary<string, object?> data, EvaluationScope scope, CelCostBudget budget, CancellationToken cancellationToken)
    {
        var p = policy.Policy;
        var resource = request.Resource;
        try
        {
            // 1. matchConditions
            var matched = Conditions(policy.MatchConditions, data, p.Spec.FailurePolicy, budget, "spec.matchConditions", out var conditionError);
            if (conditionError is not null)
            {
                return Error(policy, request, conditionError);
            }
            if (!matched)
            {
                return null;
            }
            // 2. exceptions, before any image work
            var excepted = MatchingExceptions(policy, data, budget, out var exceptionError);
            if (exceptionError is not null)
            {
                return Error(policy, request, exceptionError);
            }
            if (excepted.Count > 0)
            {
                var keys = excepted.Select(e => e.Key).ToList();
                return new PolicyResult(p, resource, PolicyStatus.Skip, "rule is skipped due to policy exception: " + string.Join(", ", keys))
                {
                    Rule = "exception",
                    Exceptions = keys,
                };
            }
            // 3. the activation
            var vars = new Dictionary<string, object?>(data);
            var activation = new Activation(vars);
            vars["variables"] = new VariablesValue(policy, () => activation, budget);
            // 4-5. images
            var images = ExtractImages(policy, request, activation, budget);
            var matchedImages = new Dictionary<string, object?>(StringComparer.Ordinal);
            var all = new List<string>();
            foreach (var (name, list) in images)
            {
                var filtered = list.Where(image => policy.ImageMatches(image, budget)).ToList();
                matchedImages[name] = filtered;
                all.AddRange(filtered);
            }
            // 6. verifyDigest, before any registry access
            if (p.Spec.ValidationConfigurations.VerifyDigest)
            {
                foreach (var image in all)
                {
                    if (!Oci.References.ImageReference.TryParse(image, out var parsed) || parsed is null)
                    {
                        return Error(policy, request, $"invalid image reference {image}");
                    }
                    if (!parsed.IsDigest)
                    {
                        return new PolicyResult(p, resource, PolicyStatus.Fail, $"image {image} does not have a digest")
                        {
                            Images = all,
                            FailingImage = image,
                            PolicyLocation = p.Spec.LocationOf("validationConfigurations").Span,
                        };
                    }
                }
            }
            // 8. images, attestations, attestors
            vars["images"] = matchedImages;
            vars["attestations"] = p.Spec.Attestations.ToDictionary(a => a.Name, a => (object?)a.Name, StringComparer.Ordinal);
            var attestors = p.Spec.Attestors.ToDictionary(
                a => a.Name,
                a => new AttestorValue(a, e => policy.EvaluateAttestorExpression(e, activation, budget)),
                StringComparer.Ordinal);
            scope.Attestors = attestors;
            vars["attestors"] = attestors.ToDictionary(a => a.Key, a => (object?)a.Value, StringComparer.Ordinal);

            // 9. validations in order; the first failure decides
            for (var i = 0; i < policy.Validations.Count; i++)
            {
                var (rule, program, messageProgram) = policy.Validations[i];
                var outcome = Evaluate(program, activation, budget, $"spec.validations[{i}].expression", cancellationToken);
                if (outcome is CelError error)
                {
                    // Name the sub-expression that failed, at its place in the policy file.
                    var at = program.Locate(error) is { } issue ? rule.Expression.LocationAt(issue.Offset) : rule.Expression.Span;
                    return Error(policy, request, $"{at}: spec.validations[{i}].expression: {error.Message}", scope, all, at);
                }
                if (outcome is not bool ok)
                {
                    return new PolicyResult(p, resource, PolicyStatus.Error, $"error: validation {i} returned {Values.TypeName(outcome)}, not bool") { Images = all };
                }
                if (!ok)
                {
                    var message = rule.Message;
                    if (messageProgram is not null)
                    {
                        var m = Evaluate(messageProgram, activation, budget, $"spec.validations[{i}].messageExpression", cancellationToken);
                        message = m switch
                        {
                            string s => s,
                            CelError e => $"failed to evaluate message expression: {e.Message}",
                            _ => $"failed to convert message expression to string: {Values.TypeName(m)}",
                        };
                    }
                    if (string.IsNullOrEmpty(message))
                    {
                        message = $"CEL expression validation failed at index {i}";
                    }
                    var annotations = AuditAnnotations(policy, activation, budget, out var annotationError);
                    if (annotationError is not null)
                    {
                        return Error(policy, request, annotationError, scope, all);
                    }
                    return new PolicyResult(p, resource, PolicyStatus.Fail, message)
                    {
                        Images = all,
                        AuditAnnotations = annotations,
                        ValidationIndex = i,
                        PolicyLocation = rule.Span,
                        AttestorReasons = scope.AttestorReasons,
                    };
                }
            }
            var passAnnotations = AuditAnnotations(policy, activation, budget, out var passAnnotationError);
            if (passAnnotationError is not null)
            {
                return Error(policy, request, passAnnotationError, scope, all);
            }
            return new PolicyResult(p, resource, PolicyStatus.Pass, "success")
            {
                Images = all,
                AuditAnnotations = passAnnotations,
                AttestorReasons = scope.AttestorReasons,
            };
        }
        catch (PolicyEvaluationException ex) when (!budget.Stopped)
        {
            return Error(policy, request, ex.Message, scope);
        }
    }

    private static PolicyResult Error(CompiledPolicy policy, RequestContext request, string message, EvaluationScope? scope = null, IReadOnlyList<string>? images = null, SourceSpan? at = null) =>
        new(policy.Policy, request.Resource, PolicyStatus.Error, "failed to evaluate policy: " + message)
        {
            Rule = "evaluation",
            Images = images ?? [],
            AttestorReasons = scope?.AttestorReasons ?? [],
            PolicyLocation = at,
        };

    private static PolicyResult BudgetError(CompiledPolicy policy, RequestContext request, CelCostBudget budget, string where, EvaluationScope scope, string rule = "evaluation") =>
        Error(policy, request, BudgetMessage(policy, request, budget, where), scope) with { Rule = rule };

    /// <summary>Names the policy, the resource and the budget, so that a reader can find both and knows the
    /// limit is on the sum of the policy's expressions, not on one of them.</summary>
    private static string BudgetMessage(CompiledPolicy policy, RequestContext request, CelCostBudget budget, string where)
    {
        var resource = request.Resource;
        var name = resource.Namespace.Length > 0 ? $"{resource.Namespace}/{resource.Name}" : resource.Name;
        return $"policy {policy.Policy.Name} on {resource.Kind} {name} ({resource.Location}) exceeded the CEL cost budget of {budget.Limit} " +
            $"for one evaluation, running out at {where}: all expressions of one policy on one resource share this budget, as in Kubernetes";
    }

    /// <summary>Evaluates one expression of the policy against its budget; a spent budget ends the policy's evaluation.</summary>
    private static object Evaluate(CelProgram program, IActivation activation, CelCostBudget budget, string where, CancellationToken cancellationToken = default)
    {
        var value = program.Evaluate(activation, budget, cancellationToken);
        return budget.Stopped ? throw new CostBudgetExceededException(where) : value;
    }

    /// <summary>The policy's cost budget ran out; <see cref="Where"/> names the expression that was running.</summary>
    private sealed class CostBudgetExceededException(string where) : Exception(where)
    {
        public string Where { get; } = where;
    }

    /// <summary>matchConditions semantics (§2.7): the first false means not matched; errors are
    /// collected; with errors, Ignore means not matched and Fail means an error. A spent cost budget is
    /// never ignored.</summary>
    private static bool Conditions(List<(NamedExpression Source, CelProgram Program)> conditions, IReadOnlyDictionary<string, object?> data, FailurePolicy failurePolicy, CelCostBudget budget, string field, out string? error)
    {
        error = null;
        var activation = new Activation(data);
        var errors = new List<string>();
        foreach (var (source, program) in conditions)
        {
            var result = Evaluate(program, activation, budget, $"{field} {source.Name}");
            if (result is false)
            {
                return false;
            }
            if (result is CelError e)
            {
                errors.Add($"matchCondition {source.Name}: {e.Message}");
            }
            else if (result is not true)
            {
                errors.Add($"matchCondition {source.Name}: expected bool, got {Values.TypeName(result)}");
            }
        }
        if (errors.Count == 0)
        {
            return true;
        }
        if (failurePolicy == FailurePolicy.Fail)
        {
            error = string.Join("; ", errors);
        }
        return false;
    }

    private static List<PolicyException> MatchingExceptions(CompiledPolicy policy, IReadOnlyDictionary<string, object?> data, CelCostBudget budget, out string? error)
    {
        error = null;
        var matched = new List<PolicyException>();
        foreach (var (exception, conditions) in policy.Exceptions)
        {
            if (Conditions(conditions, data, policy.Policy.Spec.FailurePolicy, budget, $"PolicyException {exception.Key}: spec.matchConditions", out var e))
            {
                matched.Add(exception);
            }
            else if (e is not null)
            {
                error = $"PolicyException {exception.Key}: {e}";
                return [];
            }
        }
        return matched;
    }

    private static IReadOnlyDictionary<string, string> AuditAnnotations(CompiledPolicy policy, IActivation activation, CelCostBudget budget, out string? error)
    {
        error = null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (source, program) in policy.AuditAnnotations)
        {
            var value = Evaluate(program, activation, budget, $"spec.auditAnnotations {source.Key}");
            switch (value)
            {
                case string s when s.Length > 0:
                    result[source.Key] = s;
                    break;
                case string or CelNull:
                    break; // empty and null are omitted (null: a documented difference)
                case CelError e:
                    error = $"auditAnnotation '{source.Key}': {e.Message}";
                    return result;
                default:
                    error = $"failed to convert auditAnnotation '{source.Key}' expression: {Values.TypeName(value)}";
                    return result;
            }
        }
        return result;
    }

    /// <summary>Default extractors by GVR (§2.5) in C#, then custom <c>images[]</c>, which replace a
    /// default of the same name.</summary>
    private static List<(string Name, List<string> Images)> ExtractImages(CompiledPolicy policy, RequestContext request, IActivation activation, CelCostBudget budget)
    {
        var lists = new List<(string Name, List<string> Images)>();
        var podSpec = DefaultPodSpec(request);
        if (podSpec is not null || DefaultExtractorsApply(request.Kind))
        {
            foreach (var field in PodSpecFields)
            {
                var images = new List<string>();
                if (podSpec?[field] is JsonArray containers)
                {
                    foreach (var c in containers)
                    {
                        if (c?["image"] is JsonValue v && v.TryGetValue<string>(out var image))
                        {
                            images.Add(image);
                        }
                    }
                }
                lists.Add((field, images));
            }
        }
        foreach (var (source, program) in policy.Extractors)
        {
            var value = Evaluate(program, activation, budget, $"spec.images {source.Name}");
            if (value is CelError error)
            {
                throw new PolicyEvaluationException($"images.{source.Name}: {error.Message}");
            }
            var images = new List<string>();
            if (Values.IsList(value))
            {
                foreach (var item in Values.ListToArray(value))
                {
                    images.Add(item as string ?? throw new PolicyEvaluationException($"images.{source.Name}: expected strings, got {Values.TypeName(item)}"));
                }
            }
            else if (value is not CelNull)
            {
                throw new PolicyEvaluationException($"images.{source.Name}: expected a list of strings, got {Values.TypeName(value)}");
            }
            lists.RemoveAll(l => l.Name == source.Name);
            lists.Add((source.Name, images));
        }
        return lists;
    }

    internal static readonly string[] PodSpecFields = ["containers", "initContainers", "ephemeralContainers"];

    private static bool DefaultExtractorsApply(Matching.ResourceKind kind) =>
        (kind.Group, kind.Version, kind.Resource) is ("", "v1", "pods") or ("batch", "v1", "jobs") or ("batch", "v1", "cronjobs")
            or ("apps", "v1", "deployments" or "statefulsets" or "daemonsets" or "replicasets");

    private static JsonObject? DefaultPodSpec(RequestContext request)
    {
        if (!DefaultExtractorsApply(request.Kind))
        {
            return null;
        }
        var obj = request.Object ?? request.OldObject;
        return request.Kind.Resource switch
        {
            "pods" => obj?["spec"] as JsonObject,
            "cronjobs" => obj?["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"] as JsonObject,
            _ => obj?["spec"]?["template"]?["spec"] as JsonObject,
        };
    }

    /// <summary>The mutating phase (§2.11, decision 6): tags are resolved to digests and the object the
    /// validations see is patched to <c>repo:tag@digest</c>, for every policy with <c>mutateDigest</c>
    /// that matches and is not excepted.</summary>
    private List<PolicyResult> PinDigests(List<CompiledPolicy> applicable, RequestContext request, Dictionary<string, string> pinned, CancellationToken cancellationToken)
    {
        var errors = new List<PolicyResult>();
        var spec = MutablePodSpec(request);
        if (spec is null)
        {
            return errors;
        }
        foreach (var policy in applicable)
        {
            var p = policy.Policy;
            if (!p.Spec.ValidationConfigurations.MutateDigest || policy.Errors.Count > 0)
            {
                continue;
            }
            var data = request.BaseActivation();
            // The mutating phase is an evaluation of its own, with its own budget (as the mutating webhook would be).
            var budget = new CelCostBudget(options.CelCostBudget);
            using var scope = new EvaluationScope(verifier, policy, new VerificationRecord(), options, cancellationToken) { Budget = budget };
            try
            {
                if (!Conditions(policy.MatchConditions, data, p.Spec.FailurePolicy, budget, "spec.matchConditions", out _) || MatchingExceptions(policy, data, budget, out _).Count > 0)
                {
                    continue;
                }
            }
            catch (CostBudgetExceededException ex)
            {
                errors.Add(BudgetError(policy, request, budget, ex.Where, scope, "mutateDigest"));
                continue;
            }
            var failures = new List<string>();
            foreach (var field in PodSpecFields)
            {
                if (spec[field] is not JsonArray containers)
                {
                    continue;
                }
                foreach (var container in containers.OfType<JsonObject>())
                {
                    if (container["image"] is not JsonValue v || !v.TryGetValue<string>(out var image))
                    {
                        continue;
                    }
                    if (!Oci.References.ImageReference.TryParse(image, out var parsed) || parsed is null || parsed.IsDigest)
                    {
                        continue;
                    }
                    bool matches;
                    try
                    {
                        matches = policy.ImageMatches(image, budget);
                    }
                    catch (PolicyEvaluationException ex)
                    {
                        failures.Add(budget.Stopped ? BudgetMessage(policy, request, budget, "spec.matchImageReferences") : ex.Message);
                        continue;
                    }
                    if (!matches)
                    {
                        continue;
                    }
                    try
                    {
                        var digest = verifier.ResolveDigestAsync(image, policy.Access, cancellationToken).GetAwaiter().GetResult();
                        var withDigest = PinnedReference(image, digest);
                        container["image"] = withDigest;
                        pinned[image] = withDigest;
                    }
                    catch (ImageAccessException ex)
                    {
                        failures.Add($"{image}: {ex.Message}");
                    }
                }
            }
            if (failures.Count > 0)
            {
                errors.Add(new PolicyResult(p, request.Resource, PolicyStatus.Error, "failed to update digest: " + string.Join("; ", failures)) { Rule = "mutateDigest" });
            }
        }
        return errors;
    }

    /// <summary>Kyverno's pinned form: the registry made explicit (<c>docker.io</c> for Docker Hub), the
    /// tag kept (default <c>latest</c>), then the digest.</summary>
    public static string PinnedReference(string image, string digest)
    {
        var firstSlash = image.IndexOf('/');
        var first = firstSlash < 0 ? "" : image[..firstSlash];
        var hasRegistry = firstSlash >= 0 && (first.Contains('.') || first.Contains(':') || first == "localhost");
        var named = hasRegistry ? image : "docker.io/" + image;
        var lastSlash = named.LastIndexOf('/');
        var hasTag = named.IndexOf(':', lastSlash + 1) >= 0;
        return (hasTag ? named : named + ":latest") + "@" + digest;
    }

    private static JsonObject? MutablePodSpec(RequestContext request) =>
        request.Object is null ? null : DefaultPodSpec(request);
}
