namespace ImageGate.Sigstore;

/// <summary>Outcome of one verification step: success, or failure with a precise reason.</summary>
public sealed record VerificationResult(bool Verified, string? FailureReason)
{
    /// <summary>A successful outcome.</summary>
    public static VerificationResult Success { get; } = new(true, null);

    /// <summary>A failed outcome with its reason.</summary>
    public static VerificationResult Fail(string reason) => new(false, reason);

    /// <summary>Runs a check that reports failures by throwing <see cref="SigstoreVerificationException"/>.</summary>
    internal static VerificationResult Run(Action check)
    {
        try
        {
            check();
            return Success;
        }
        catch (SigstoreVerificationException ex)
        {
            return Fail(ex.Message);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Verified ? "verified" : "failed: " + FailureReason;
}

/// <summary>Raised inside the verifiers for a verification failure; callers receive it as a failure reason.</summary>
public sealed class SigstoreVerificationException(string reason) : Exception(reason);

/// <summary>Raised for trust material or configuration that cannot be used (an infrastructure error, not a failed check).</summary>
public sealed class SigstoreConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

internal static class Fail
{
    /// <summary>Throws a verification failure with the given reason.</summary>
    public static SigstoreVerificationException With(string reason) => new(reason);
}
