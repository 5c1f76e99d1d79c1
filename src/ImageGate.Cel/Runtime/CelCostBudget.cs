using ImageGate.Cel.Runtime;

namespace ImageGate.Cel;

/// <summary>
/// A cost budget shared by several evaluations, such as every expression of one policy on one resource (Kubernetes
/// gives a ValidatingAdmissionPolicy 10,000,000 for one request on top of each expression's own limit). Each
/// <see cref="CelProgram.Evaluate(IActivation, CelCostBudget?, CancellationToken)"/> given the budget draws from it;
/// once it is spent, evaluations return an error value. A budget belongs to one evaluation at a time: evaluations
/// nested inside another (a lazily computed variable) are fine, concurrent ones on other threads are not.
/// </summary>
public sealed class CelCostBudget
{
    /// <summary>The Kubernetes default: the runtime cost budget of one ValidatingAdmissionPolicy evaluation.</summary>
    public const long DefaultLimit = 10_000_000;

    /// <summary>The evaluation currently drawing from this budget (innermost when evaluations nest).</summary>
    internal Frame? Active;

    /// <summary>Creates a budget of <paramref name="limit"/> cost units.</summary>
    public CelCostBudget(long limit = DefaultLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
    }

    /// <summary>The total the evaluations may spend.</summary>
    public long Limit { get; }

    /// <summary>Cost charged so far by finished evaluations and by the settled part of running ones.</summary>
    public long Spent { get; internal set; }

    /// <summary>What is left (negative once an evaluation went over).</summary>
    public long Remaining => Limit - Spent;

    /// <summary>True once an evaluation needed more than the budget had left.</summary>
    public bool Exhausted => Spent > Limit;

    /// <summary>True once the budget (rather than an expression's own limit, which may spend the last of it too)
    /// stopped or refused an evaluation: from then on, results that depend on evaluations are incomplete.</summary>
    public bool Stopped { get; internal set; }

    /// <summary>The error message of an evaluation stopped by this budget.</summary>
    internal string ExceededMessage => $"operation cancelled: the cost budget of {Limit} shared by the evaluations was exceeded";
}
