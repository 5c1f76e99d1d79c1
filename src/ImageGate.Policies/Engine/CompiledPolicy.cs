using System.Text.Json.Nodes;
using ImageGate.Cel;
using ImageGate.Policies.Kyverno;
using ImageGate.Policies.Matching;
using ImageGate.Policies.Model;
using ImageGate.Verification;

namespace ImageGate.Policies.Engine;

/// <summary>A policy (or autogen variant) with every CEL expression compiled once per run, with the
/// output types Kyverno requires (kyverno-ivpol §2.18). Compile errors are kept, not thrown: the policy
/// then reports <c>error</c> on every resource it matches while other policies still run.</summary>
public sealed class CompiledPolicy
{
    private readonly Dictionary<CelExpression, CelProgram> attestorPrograms = new(ReferenceEqualityComparer.Instance);

    private CompiledPolicy(ImageValidatingPolicy policy)
    {
        Policy = policy;
        Access = policy.Spec.Credentials is { } c
            ? new RegistryAccess(c.AllowInsecureRegistry, [.. c.Providers.Select(p => p.ToString().ToLowerInvariant())], c.Secrets)
            : RegistryAccess.Default;
        Attestations = policy.Spec.Attestations.ToDictionary(a => a.Name, a => new AttestationSpec(a.Name, a.InTotoType, a.ReferrerType), StringComparer.Ordinal);
    }

    /// <summary>The policy as loaded.</summary>
    public ImageValidatingPolicy Policy { get; }

    /// <summary>Compile errors, each naming the field path and <c>file:line:column</c>.</summary>
    public IReadOnlyList<string> Errors => errors;

    /// <summary>Where the first compile error is.</summary>
    public SourceSpan? ErrorLocation { get; private set; }

    /// <summary>The namespace of a namespaced policy.</summary>
    public string? Namespace => Policy.Namespace;

    internal RegistryAccess Access { get; }

    internal IReadOnlyDictionary<string, AttestationSpec> Attestations { get; }

    internal List<(NamedExpression Source, CelProgram Program)> MatchConditions { get; } = [];

    internal List<(NamedExpression Source, CelProgram Program)> Variables { get; } = [];

    internal List<(ValidationRule Source, CelProgram Program, CelProgram? Message)> Validations { get; } = [];

    internal List<(AuditAnnotation Source, CelProgram Program)> AuditAnnotations { get; } = [];

    internal List<(NamedExpression Source, CelProgram Program)> Extractors { get; } = [];

    internal List<Func<string, CelCostBudget?, object>> ImageMatchers { get; } = [];

    internal List<(PolicyException Exception, List<(NamedExpression Source, CelProgram Program)> Conditions)> Exceptions { get; } = [];

    private readonly List<string> errors = [];

    /// <summary>Compiles a policy and the exceptions that name it.</summary>
    public static CompiledPolicy Compile(ImageValidatingPolicy policy, IEnumerable<PolicyException> exceptions)
    {
        var compiled = new CompiledPolicy(policy);
        compiled.CompileAll(exceptions.Where(e => e.AppliesTo(policy)).ToList());
        return compiled;
    }

    /// <summary>True when the image passes <c>matchImageReferences</c> (an empty list matches every image).
    /// An expression that errors makes the image not match and is reported by the caller.</summary>
    public bool ImageMatches(string image) => ImageMatches(image, null);

    /// <summary>As <see cref="ImageMatches(string)"/>, charging the expressions to the evaluation's cost budget.</summary>
    public bool ImageMatches(string image, CelCostBudget? budget)
    {
        if (ImageMatchers.Count == 0)
        {
            return true;
        }
        foreach (var matcher in ImageMatchers)
        {
            var result = matcher(image, budget);
            if (result is CelError error)
            {
                throw new PolicyEvaluationException($"matchImageReferences: {error.Message}");
            }
            if (result is true)
            {
                return true;
            }
        }
        return false;
    }

    internal object EvaluateAttestorExpression(CelExpression expression, IActivation activation, CelCostBudget budget) =>
        attestorPrograms.TryGetValue(expression, out var program)
            ? program.Evaluate(activation, budget)
            : new CelError("expression was not compiled");

    private void CompileAll(List<PolicyException> exceptions)
    {
        var spec = Policy.Spec;
        var jsonMode = spec.Evaluation.Mode == EvaluationMode.Json;
        var env = KyvernoEnvironment.ForPolicy(jsonMode, Policy.Kind == PolicyKind.NamespacedImageValidatingPolicy);

        // Variables are compiled in order; each one's static type is visible to the ones after it.
        var variableTypes = new Dictionary<string, CelType>(StringComparer.Ordinal);
        if (!jsonMode)
        {
            env.AddObjectType(new CelObjectType(KyvernoEnvironment.Variables, variableTypes));
            env.DeclareVariable("variables", KyvernoEnvironment.Variables);
        }
        for (var i = 0; i < spec.Variables.Count; i++)
        {
            var v = spec.Variables[i];
            if (Compile(env, v.Expression, $"spec.variables[{i}].expression") is { } program)
            {
                Variables.Add((v, program));
                variableTypes[v.Name] = program.OutputType;
                env.AddObjectType(new CelObjectType(KyvernoEnvironment.Variables, variableTypes));
            }
        }
        for (var i = 0; i < spec.MatchConditions.Count; i++)
        {
            var c = spec.MatchConditions[i];
            if (Compile(env, c.Expression, $"spec.matchConditions[{i}].expression", CelType.Bool) is { } program)
            {
                MatchConditions.Add((c, program));
            }
        }
        for (var i = 0; i < spec.Validations.Count; i++)
        {
            var v = spec.Validations[i];
            var program = Compile(env, v.Expression, $"spec.validations[{i}].expression", CelType.Bool);
            var message = v.MessageExpression is { } m ? Compile(env, m, $"spec.validations[{i}].messageExpression", CelType.String) : null;
            if (program is not null)
            {
                Validations.Add((v, program, message));
            }
        }
        for (var i = 0; i < spec.AuditAnnotations.Count; i++)
        {
            var a = spec.AuditAnnotations[i];
            if (Compile(env, a.ValueExpression, $"spec.auditAnnotations[{i}].valueExpression", CelType.String, CelType.Null) is { } program)
            {
                AuditAnnotations.Add((a, program));
            }
        }
        for (var i = 0; i < spec.Images.Count; i++)
        {
            var x = spec.Images[i];
            if (Compile(env, x.Expression, $"spec.images[{i}].expression", CelType.List(CelType.String), CelType.List(CelType.Dyn), CelType.Dyn) is { } program)
            {
                Extractors.Add((x, program));
            }
        }
        CompileImageMatchers(spec);
        for (var i = 0; i < spec.Attestors.Count; i++)
        {
            foreach (var (expression, field) in AttestorExpressions(spec.Attestors[i], $"spec.attestors[{i}]"))
            {
                if (Compile(env, expression, field) is { } program)
                {
                    attestorPrograms[expression] = program;
                }
            }
        }
        foreach (var exception in exceptions)
        {
            var conditions = new List<(NamedExpression, CelProgram)>();
            for (var i = 0; i < exception.Spec.MatchConditions.Count; i++)
            {
                var c = exception.Spec.MatchConditions[i];
                if (Compile(env, c.Expression, $"PolicyException {exception.Key}: spec.matchConditions[{i}].expression", CelType.Bool) is { } program)
                {
                    conditions.Add((c, program));
                }
            }
            Exceptions.Add((exception, conditions));
        }
    }

    private void CompileImageMatchers(ImageValidatingPolicySpec spec)
    {
        CelEnvironment? refEnv = null;
        for (var i = 0; i < spec.MatchImageReferences.Count; i++)
        {
            var m = spec.MatchImageReferences[i];
            if (m.Glob is { } glob)
            {
                try
                {
                    var compiled = ImageGlob.Compile(glob);
                    ImageMatchers.Add((image, _) => compiled.IsMatch(image));
                }
                catch (FormatException ex)
                {
                    AddError($"spec.matchImageReferences[{i}].glob", m.Span, ex.Message);
                }
            }
            else if (m.Expression is { } expression)
            {
                refEnv ??= KyvernoEnvironment.ForImageReference();
                if (Compile(refEnv, expression, $"spec.matchImageReferences[{i}].expression", CelType.Bool) is { } program)
                {
                    ImageMatchers.Add((image, budget) => program.Evaluate(new Activation(new Dictionary<string, object?> { ["ref"] = image }), budget));
                }
            }
        }
    }

    private static IEnumerable<(CelExpression, string)> AttestorExpressions(Attestor attestor, string path)
    {
        if (attestor.Cosign is { } c)
        {
            if (c.Key?.Expression is { } k) yield return (k, path + ".cosign.key.expression");
            if (c.Certificate?.Cert?.Expression is { } cert) yield return (cert, path + ".cosign.certificate.cert.expression");
            if (c.Certificate?.CertChain?.Expression is { } chain) yield return (chain, path + ".cosign.certificate.certChain.expression");
            if (c.TrustedRoot?.Expression is { } root) yield return (root, path + ".cosign.trustedRoot.expression");
        }
        if (attestor.Notary is { } n)
        {
            if (n.Certs?.Expression is { } certs) yield return (certs, path + ".notary.certs.expression");
            if (n.TsaCerts?.Expression is { } tsa) yield return (tsa, path + ".notary.tsaCerts.expression");
        }
    }

    private CelProgram? Compile(CelEnvironment env, CelExpression expression, string field, params CelType[] allowed)
    {
        // The CEL environment checks the exact output types of kyverno-ivpol §2.18.
        var result = env.Compile(expression.Text, allowed);
        if (!result.Success)
        {
            var issue = result.Issues.FirstOrDefault();
            AddError(field, Locate(expression, issue), issue is null ? "does not compile" : $"{issue.Message}\n{Caret(issue)}");
            return null;
        }
        return result.Program;
    }

    private static string Caret(CelIssue issue)
    {
        var text = issue.ToDisplayString();
        var newline = text.IndexOf('\n');
        return newline < 0 ? "" : text[(newline + 1)..];
    }

    /// <summary>Maps a position inside an expression to the file (exact for single-line scalars).</summary>
    private static SourceSpan Locate(CelExpression expression, CelIssue? issue) =>
        issue is null || expression.Span.Line <= 0 ? expression.Span : expression.LocationAt(issue.Offset);

    private void AddError(string field, SourceSpan at, string message)
    {
        ErrorLocation ??= at;
        errors.Add($"{at}: {field}: {message}");
    }
}

/// <summary>A runtime error that makes the policy's result <c>error</c>.</summary>
public sealed class PolicyEvaluationException(string message) : Exception(message);

/// <summary>The lazily evaluated <c>variables</c> object: each variable is evaluated once, on first use,
/// charged to the evaluation's cost budget; an error becomes a CEL error value where it is used.</summary>
internal sealed class VariablesValue(CompiledPolicy policy, Func<IActivation> activation, CelCostBudget budget) : ICelObject
{
    private readonly Dictionary<string, object> memo = new(StringComparer.Ordinal);

    public CelType CelType => KyvernoEnvironment.Variables;

    public bool TryGetField(string name, out object? value)
    {
        if (memo.TryGetValue(name, out var known))
        {
            value = known;
            return true;
        }
        foreach (var (source, program) in policy.Variables)
        {
            if (source.Name == name)
            {
                memo[name] = new CelError($"variable {name} refers to itself"); // fail instead of recursing
                var result = program.Evaluate(activation(), budget);
                memo[name] = result;
                value = result;
                return true;
            }
        }
        value = null;
        return false;
    }
}

/// <summary>JSON helpers for the activation.</summary>
internal static class ActivationValues
{
    public static object OrNull(JsonNode? node) => node is null ? CelNull.Value : node;
}
