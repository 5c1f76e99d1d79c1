using System.Collections.Concurrent;
using System.Text;

namespace ImageGate.TestSupport.Secrets;

/// <summary>One secret value the test suite hands to ImageGate (a registry password, a token a loopback stub
/// issues), named for the report when it leaks.</summary>
public sealed record KnownSecret(string Name, string Value);

/// <summary>Every secret value the test suite uses, so that outputs can be scanned for them. Tests that invent a
/// new secret add it here (or call <see cref="Register"/> for values made at run time); values are long and
/// distinctive enough that a match is a leak, not a coincidence.</summary>
public static class KnownSecrets
{
    private static readonly KnownSecret[] Fixed =
    [
        new("integration registry password", "Pa55-very-secret-Zq9"),
        new("OCI secret-hygiene password", "hunter2-password-SECRET-7f3a"),
        new("OCI secret-hygiene identity token", "refresh-token-SECRET-9c1d"),
        new("OCI secret-hygiene GitHub token", "ghs_SECRET_token_55aa"),
        new("fault suite registry password", "hostile-test-password-7f3a"),
        new("CLI secret scan registry password", "cli-scan-password-SECRET-31d7"),
        new("credential unit test password", "p4ss-SECRET"),
        new("credential unit test identity token", "id-SECRET"),
        new("credential unit test registry token", "rt-SECRET"),
        new("GitHub OIDC request token", "gha-request-SECRET"),
        new("AWS secret access key", "aws-secret-key-SECRET"),
        new("AWS session token", "aws-session-SECRET"),
        new("CI OIDC token signature", "oidc-SECRET"),
        new("SigV4 example secret key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        new("Entra access token", "entra-access-SECRET"),
        new("ACR refresh token", "acr-refresh-SECRET"),
        new("Google federated token", "ya29.federated-SECRET"),
        new("Google impersonated token", "ya29.impersonated-SECRET"),
        new("ECR password", "ecr-password-SECRET"),
        new("ECR Public password", "ecr-public-password-SECRET"),
        new("revoked identity token", "revoked-SECRET"),
        new("docker config password", "bob-SECRET"),
        new("docker config identity token", "refresh-SECRET"),
        new("credential test GitHub token", "ghs_SECRET"),
        new("Azure Pipelines OIDC access token", "ado-access-SECRET"),
        new("registry fixture password", "s3cret-pass"),
        new("wrong registry password", "wrong-password-XYZ"),
        new("other wrong registry password", "not-the-password"),
        new("ACR identity token", "refresh-abc-SECRET"),
        new("GitHub API publisher token", "ghs_TestTokenThatMustNeverAppear0123456789"),
        new("GitHub API stub test token", "stub-test-token"),
        new("Azure DevOps publisher token", "ado-job-token-8f3c2e1d9b"),
        new("Azure Pipelines scan token", "ado-job-token-3e9b7a51c2"),
        new("CLI scan GitHub token", "ghs_0123456789abcdefSECRET"),
        new("GitHub step token", "ghs_scanTestToken0123456789abcdef"),
        new("GitHub scan registry password", "reg-Pa55-masked-0042"),
        new("masking suite registry password", "token-registry-password-SECRET-5be2"),
        new("input resolver GitHub token input", "ghs_input-SECRET-4a1c"),
        new("input resolver GITHUB_TOKEN", "ghs_env-SECRET-8d2e"),
        new("input resolver OIDC request token", "oidc-request-SECRET-77b1"),
        new("input resolver Azure DevOps job token", "ado-job-SECRET-5c2e"),
        new("input resolver AWS secret key", "aws-key-SECRET-19fa"),
        new("input resolver AWS session token", "aws-session-SECRET-0d3c"),
        new("input resolver registry password", "input-registry-pw-SECRET-3f9b"),
        new("masking suite OIDC request token", "oidc-request-token-SECRET-91f0"),
        new("masking suite Azure DevOps job token", "ado-mask-job-token-SECRET-0c4d"),
    ];

    private static readonly ConcurrentDictionary<string, KnownSecret> Added = new(StringComparer.Ordinal);

    /// <summary>The fixed secrets and those registered in this process.</summary>
    public static IReadOnlyList<KnownSecret> All => [.. Fixed, .. Added.Values];

    /// <summary>Adds a secret made at run time (a generated token) to the scan.</summary>
    public static void Register(string name, string value)
    {
        if (value.Length < 8)
        {
            throw new ArgumentException("a secret shorter than 8 characters would match by coincidence", nameof(value));
        }
        var secret = new KnownSecret(name, value);
        if (Added.TryAdd(value, secret))
        {
            // The suite-wide scan runs in another process: it reads the secrets every process registered.
            SecretOutputs.Default.RecordSecret(secret);
        }
    }

    /// <summary>The secrets found in <paramref name="text"/>, as they are or encoded the ways HTTP carries them
    /// (base64, base64url, and as the password of a <c>user:password</c> Basic credential).</summary>
    public static IReadOnlyList<KnownSecret> FindIn(string text, IEnumerable<KnownSecret>? secrets = null) =>
        (secrets ?? All).Where(s => Forms(s.Value).Any(form => text.Contains(form, StringComparison.Ordinal))).ToList();

    /// <summary>The forms of <paramref name="value"/> a scan looks for.</summary>
    internal static IEnumerable<string> Forms(string value)
    {
        yield return value;
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        // The middle of the encoding is stable whatever precedes the value (a user name and a colon),
        // as long as the prefix keeps the 3-byte alignment; check the three alignments.
        for (var shift = 0; shift < 3; shift++)
        {
            var shifted = Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('\0', shift) + value));
            var start = shift == 0 ? 0 : 4;
            var stable = shifted.Length - start - 4;
            if (stable >= 8)
            {
                yield return shifted.Substring(start, stable);
            }
        }
        yield return base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
