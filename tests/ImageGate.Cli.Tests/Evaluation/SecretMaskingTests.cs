using System.Text;
using ImageGate.Cli.Evaluation;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Credentials;

namespace ImageGate.Cli.Tests.Evaluation;

/// <summary>Every secret a run obtains is reported for masking before it is handed on.</summary>
[TestClass]
public sealed class SecretMaskingTests
{
    private sealed class FixedOidc(string token) : IOidcTokenSource
    {
        public Task<string> GetTokenAsync(string audience, CancellationToken cancellationToken) => Task.FromResult(token);
    }

    [TestMethod]
    public async Task CredentialSecretsAndTheBasicFormAreReportedFirst()
    {
        var seen = new List<string>();
        var inner = new StaticCredentials(new Dictionary<string, RegistryCredential>
        {
            ["ghcr.io"] = RegistryCredential.Basic("robot", "pw-123") with { IdentityToken = "refresh-456" },
        });
        var source = new MaskingCredentialSource(inner, seen.Add);
        var credential = await source.GetAsync("ghcr.io", "acme/app", CancellationToken.None);
        Assert.AreEqual("pw-123", credential?.Password);
        CollectionAssert.AreEqual(new[] { "pw-123", "refresh-456", Convert.ToBase64String(Encoding.UTF8.GetBytes("robot:pw-123")) }, seen);
        Assert.IsNull(await source.GetAsync("quay.io", "x/y", CancellationToken.None));
        Assert.HasCount(3, seen, "anonymous access reports nothing");
    }

    [TestMethod]
    public async Task OidcTokensAreReported()
    {
        var seen = new List<string>();
        var token = await new MaskingOidcTokenSource(new FixedOidc("eyJhbGciOi.jwt.sig"), seen.Add).GetTokenAsync("sts.amazonaws.com", CancellationToken.None);
        Assert.AreEqual("eyJhbGciOi.jwt.sig", token);
        CollectionAssert.AreEqual(new[] { "eyJhbGciOi.jwt.sig" }, seen);
    }
}
