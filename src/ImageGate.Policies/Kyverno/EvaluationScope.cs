using ImageGate.Cel;
using ImageGate.Policies.Engine;
using ImageGate.Verification;

namespace ImageGate.Policies.Kyverno;

/// <summary>The state one policy evaluation on one resource needs from inside CEL functions: the
/// verifier, the policy's image gate and attestations, and the request-wide verification record.
/// CEL evaluation is synchronous, so the scope is carried on the evaluating thread.</summary>
internal sealed class EvaluationScope : IDisposable
{
    [ThreadStatic]
    private static EvaluationScope? current;

    private readonly EvaluationScope? previous;

    public EvaluationScope(
        IImageVerifier verifier,
        CompiledPolicy policy,
        VerificationRecord record,
        EngineOptions options,
        CancellationToken cancellationToken)
    {
        Verifier = verifier;
        Policy = policy;
        Record = record;
        Options = options;
        CancellationToken = cancellationToken;
        previous = current;
        current = this;
    }

    /// <summary>The scope of the evaluation running on this thread.</summary>
    public static EvaluationScope Current => current ?? throw new InvalidOperationException("no policy evaluation is running");

    public IImageVerifier Verifier { get; }

    public CompiledPolicy Policy { get; }

    public VerificationRecord Record { get; }

    public EngineOptions Options { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>The CEL cost budget of this policy on this resource, for expressions evaluated from inside CEL functions.</summary>
    public CelCostBudget? Budget { get; init; }

    /// <summary>Every attestor failure seen, for <c>--explain</c>.</summary>
    public List<AttestorFailure> AttestorReasons { get; } = [];

    /// <summary>Attestor values of this evaluation by name (for seed-era attestor names).</summary>
    public IReadOnlyDictionary<string, AttestorValue> Attestors { get; set; } = new Dictionary<string, AttestorValue>();

    public RegistryAccess Access => Policy.Access;

    public void Dispose() => current = previous;
}

/// <summary>Which images some policy verified for one resource (the request), for <c>required</c>.
/// Keys are normalised references (decision 21); the record is monotonic.</summary>
public sealed class VerificationRecord
{
    private readonly Dictionary<string, bool> verified = new(StringComparer.Ordinal);

    /// <summary>Records an attempt; a success is never undone.</summary>
    public void Record(string image, bool success)
    {
        var key = Normalise(image);
        verified[key] = success || (verified.TryGetValue(key, out var before) && before);
    }

    /// <summary>True, false (attempted but failed) or null (never attempted).</summary>
    public bool? Lookup(string image) => verified.TryGetValue(Normalise(image), out var v) ? v : null;

    internal static string Normalise(string image) =>
        Oci.References.ImageReference.TryParse(image, out var parsed) && parsed is not null ? parsed.Name : image;
}
