using ImageGate.Verification;

namespace ImageGate.Cli.Evaluation;

/// <summary>Composes the verification port from the registry clients and the attestor verifiers.</summary>
public static class Verifiers
{
    /// <summary>The run's verifier: every policy and resource shares its memoised answers.</summary>
    public static IImageVerifier Create(RegistrySetup registries) =>
        new RegistryImageVerifier(registries.ClientFor, AttestorVerifiers());

    /// <summary>The attestor verifiers available in this build.</summary>
    public static IEnumerable<IAttestorVerifier> AttestorVerifiers() => [];
}
