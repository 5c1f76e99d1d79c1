using ImageGate.Cli.Framework;
using ImageGate.Sigstore;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Cli.Commands;

/// <summary><c>imagegate verify-bundle</c>: verifies a Sigstore bundle for a file or a <c>sha256:</c>
/// digest, speaking the sigstore-conformance CLI protocol. Exit 0 when it verifies, 1 when it does not
/// (the reason on standard error), 2 for bad input.</summary>
public sealed class VerifyBundleCommand : Command
{
    /// <inheritdoc />
    public override string Name => "verify-bundle";

    /// <inheritdoc />
    public override string Summary => "verify a Sigstore bundle for a file or sha256: digest (sigstore-conformance protocol)";

    /// <inheritdoc />
    public override PositionalSpec Positionals { get; } = new("ARTIFACT", "file to verify, or sha256:<hex> digest", 1, 1);

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--bundle", "the Sigstore bundle (JSON)", "FILE"),
        new("--certificate-identity", "expected signer identity (certificate SAN)", "IDENTITY"),
        new("--certificate-oidc-issuer", "expected OIDC issuer of the signer", "URL"),
        new("--key", "public key (PEM) for key-signed bundles", "FILE"),
        new("--trusted-root", "Sigstore trusted root JSON (default: the embedded public-good root)", "FILE"),
    ];

    /// <inheritdoc />
    public override int Execute(ParsedArguments args, CliContext context)
    {
        var bundlePath = args.Value("--bundle") ?? throw new UsageException("verify-bundle needs --bundle FILE");
        var keyPath = args.Value("--key");
        var identity = args.Value("--certificate-identity");
        var issuer = args.Value("--certificate-oidc-issuer");
        if (keyPath is null && (identity is null || issuer is null))
        {
            throw new UsageException("give --key FILE, or both --certificate-identity and --certificate-oidc-issuer");
        }
        try
        {
            var bundle = ReadFile(bundlePath, context);
            var key = keyPath is null ? null : System.Text.Encoding.UTF8.GetString(ReadFile(keyPath, context));
            var root = args.Value("--trusted-root") is { } rootPath ? TrustedRoot.Load(context.FullPath(rootPath)) : null;
            var artifactArg = args.Positionals[0];
            var artifact = BundleArtifact.FromPathOrDigest(artifactArg.StartsWith("sha256:", StringComparison.Ordinal) ? artifactArg : context.FullPath(artifactArg));
            var result = BundleVerifier.Verify(bundle, artifact, VerificationPolicy.ForBundle(identity, issuer, key, root));
            if (!result.Verified)
            {
                context.WriteError($"bundle does not verify: {result.FailureReason}", bundlePath);
                return ExitCodes.Blocking;
            }
            context.Stdout.WriteLine("OK");
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is SigstoreConfigurationException or ArgumentException or FormatException)
        {
            context.WriteError(ex.Message);
            return ExitCodes.UsageOrInputError;
        }
    }

    private static byte[] ReadFile(string path, CliContext context)
    {
        try
        {
            return File.ReadAllBytes(context.FullPath(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: {ex.Message}");
        }
    }
}
