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
        new("SigV4 example secret key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        new("Entra access token", "entra-access-SECRET"),
        new("ACR refresh token", "acr-refresh-SECRET"),
        new("Google federated token", "ya29.federated-SECRET"),
        new("Google impersonated token", "ya29.impersonated-SECRET"),
        new("ECR password", "ecr-password-SECRET"),
        new("ECR Public password", "ecr-public-password-SECRET"),
        new("revoked identity token", "revoked-SECRET"),
        new("docker config password", "bob-SECRET"),
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
        Added[value] = new KnownSecret(name, value);
    }

    /// <summary>The secrets found in <paramref name="text"/>, as they are or encoded the ways HTTP carries them
    /// (base64, base64url, and as the password of a <c>user:password</c> Basic credential).</summary>
    public static IReadOnlyList<KnownSecret> FindIn(string text, IEnumerable<KnownSecret>? secrets = null) =>
        (secrets ?? All).Where(s => Forms(s.Value).Any(form => text.Contains(form, StringComparison.Ordinal))).ToList();

    private static IEnumerable<string> Forms(string value)
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
