using ImageGate.TestSupport;

namespace ImageGate.Cli.Tests;

/// <summary><c>verify-bundle</c> (sigstore-conformance protocol) on a real public-good bundle, offline.</summary>
[TestClass]
public sealed class VerifyBundleCommandTests
{
    private static readonly string Vectors = RepoPaths.Combine("tests", "fixtures", "sigstore", "vectors");
    private const string Digest = "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4";

    private static CliRunner.Result Verify(string identity, string artifact, bool withRoot = true) => CliRunner.Run(
    [
        "verify-bundle", "--bundle", Path.Combine(Vectors, "oci-attestation.sigstore.json"),
        "--certificate-identity", identity, "--certificate-oidc-issuer", "https://github.com/login/oauth",
        .. withRoot ? new[] { "--trusted-root", Path.Combine(Vectors, "trusted_root_pgi.json") } : [],
        artifact,
    ]);

    [TestMethod]
    public void ProductionBundleVerifiesWithGivenAndEmbeddedRoots()
    {
        var given = Verify("cody@soyland.com", Digest);
        Assert.AreEqual(0, given.ExitCode, given.Stderr);
        Assert.AreEqual("OK", given.Stdout.Trim());
        var embedded = Verify("cody@soyland.com", Digest, withRoot: false);
        Assert.AreEqual(0, embedded.ExitCode, embedded.Stderr);
    }

    [TestMethod]
    public void WrongIdentityFailsWithTheReason()
    {
        var run = Verify("mallory@example.com", Digest);
        Assert.AreEqual(1, run.ExitCode);
        StringAssert.Contains(run.Stderr, "certificate identity mismatch");
    }

    [TestMethod]
    public void WrongDigestFailsWithTheReason()
    {
        var run = Verify("cody@soyland.com", "sha256:" + new string('0', 64));
        Assert.AreEqual(1, run.ExitCode);
        StringAssert.Contains(run.Stderr, "no matching subject digest");
    }

    [TestMethod]
    public void MissingIdentityAndKeyIsAUsageError()
    {
        var run = CliRunner.Run(["verify-bundle", "--bundle", Path.Combine(Vectors, "oci-attestation.sigstore.json"), Digest]);
        Assert.AreEqual(2, run.ExitCode);
    }
}
