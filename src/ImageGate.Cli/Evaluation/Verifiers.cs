using ImageGate.Notation;
using ImageGate.Verification;
using ImageGate.Verification.Cosign;
using ImageGate.Verification.Notary;

namespace ImageGate.Cli.Evaluation;

/// <summary>Composes the verification port from the registry clients and the attestor verifiers.</summary>
public static class Verifiers
{
    /// <summary>The run's verifier: every policy and resource shares its memoised answers.</summary>
    public static IImageVerifier Create(RegistrySetup registries) =>
        new RegistryImageVerifier(registries.ClientFor,
        [
            new CosignAttestorVerifier(),
            new NotaryAttestorVerifier(new NotaryVerifyOptions { OfflineRevocation = registries.OfflineRevocation }),
        ]);
}
