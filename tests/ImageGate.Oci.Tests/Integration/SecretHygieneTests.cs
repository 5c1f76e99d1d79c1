using System.Collections.Concurrent;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Client;
using ImageGate.Oci.Credentials;
using ImageGate.Oci.References;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Integration;

/// <summary>Runs every authenticated path with full tracing and known secrets, then checks that no
/// secret appears in any trace line, error message or statistics output.</summary>
[TestClass]
public sealed class SecretHygieneTests
{
    private const string Password = "hunter2-password-SECRET-7f3a";
    private const string IdentityToken = "refresh-token-SECRET-9c1d";
    private const string GitHubToken = "ghs_SECRET_token_55aa";

    [TestMethod]
    public async Task NoSecretReachesAnyOutput()
    {
        var output = new ConcurrentQueue<string>();
        var users = new Dictionary<string, string> { ["tester"] = Password };
        await using var basic = await RegistryFixture.StartAsync(new RegistryFixtureOptions { Auth = RegistryAuthMode.Basic, Users = users });
        await using var token = await RegistryFixture.StartAsync(new RegistryFixtureOptions { Auth = RegistryAuthMode.Token, Users = users });
        token.TokenServer!.RefreshTokens[IdentityToken] = "tester";
        foreach (var registry in new[] { basic, token })
        {
            await registry.PushImageAsync("demo/app", "v1", "{}"u8.ToArray(), [("layer"u8.ToArray(), "application/octet-stream", null)]);
        }

        // A docker config file holds the secrets, as in CI.
        var dir = Scratch.NewDirectory("hygiene");
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("tester:" + Password));
        File.WriteAllText(Path.Combine(dir, "config.json"), System.Text.Json.JsonSerializer.Serialize(new
        {
            auths = new Dictionary<string, object>
            {
                [basic.Host] = new { auth },
                [token.Host] = new { identitytoken = IdentityToken },
            },
        }));
        using var http = new HttpClient();
        var environment = new Dictionary<string, string> { ["DOCKER_CONFIG"] = dir, ["GITHUB_TOKEN"] = GitHubToken };
        var credentials = CredentialProviders.Build(new CredentialSettings
        {
            Providers = ["default", "github"],
            Environment = n => environment.GetValueOrDefault(n),
            Trace = output.Enqueue,
        }, http);

        var options = new RegistryClientOptions
        {
            Credentials = credentials,
            InsecureRegistries = new HashSet<string> { basic.Host, token.Host },
            Trace = output.Enqueue,
            MaxAttempts = 1,
        };
        foreach (var registry in new[] { basic, token })
        {
            using var client = new RegistryClient(options);
            var image = await client.GetImageAsync(ImageReference.Parse($"{registry.Host}/demo/app:v1"));
            await client.GetBlobAsync(image.Reference, image.Manifest.Manifest.Layers[0]);
            output.Enqueue(client.Statistics.Format());
            output.Enqueue((await credentials.GetAsync(registry.Host, "demo/app", default))!.ToString());
        }
        output.Enqueue((await credentials.GetAsync("ghcr.io", "o/r", default))!.ToString());

        // Failure paths: wrong password, revoked token.
        var wrong = new Dictionary<string, RegistryCredential>
        {
            [basic.Host] = RegistryCredential.Basic("tester", Password + "-wrong"),
            [token.Host] = new RegistryCredential { IdentityToken = IdentityToken + "-revoked" },
        };
        foreach (var registry in new[] { basic, token })
        {
            using var client = new RegistryClient(options with { Credentials = new StaticCredentials(wrong) });
            var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.ResolveAsync(ImageReference.Parse($"{registry.Host}/demo/app:v1")));
            output.Enqueue(e.ToString());
        }

        var all = string.Join("\n", output);
        Assert.IsTrue(output.Count > 10, "tracing was on");
        StringAssert.Contains(all, "Basic challenge");
        StringAssert.Contains(all, "Bearer challenge");
        foreach (var secret in new[] { Password, IdentityToken, GitHubToken, auth })
        {
            Assert.IsFalse(all.Contains(secret, StringComparison.Ordinal), $"a secret leaked into the output:\n{all}");
        }
    }
}
