using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.AzureDevOpsApi;
using ImageGate.TestSupport.Policies;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.IntegrationTests.Scan;

/// <summary><c>imagegate scan</c> on GitHub Actions and on Azure Pipelines against a registry behind a token server:
/// every secret the run is given or obtains — the job token, the OIDC request token, the registry password and its
/// Basic form, each bearer token the token server issues — is masked (<c>::add-mask::</c>, <c>##vso[task.setsecret]</c>)
/// before any other line could show it, and appears nowhere else.</summary>
[TestClass]
public sealed class ScanMaskingTests
{
    private const string User = "mask-robot";
    private static readonly string Password = Known("masking suite registry password");
    private static readonly string RequestToken = Known("masking suite OIDC request token");
    private static readonly string AzureToken = Known("masking suite Azure DevOps job token");
    private static readonly string Basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
    private static RegistryFixture registry = null!;

    private static string Known(string name) => KnownSecrets.All.Single(s => s.Name == name).Value;

    [ClassInitialize]
    public static async Task Setup(TestContext _)
    {
        registry = await RegistryFixture.StartAsync(new RegistryFixtureOptions
        {
            Auth = RegistryAuthMode.Token,
            Users = new Dictionary<string, string> { [User] = Password },
        });
        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() } });
        await registry.PushImageAsync("shop/web", "1.0", config, [(Encoding.UTF8.GetBytes("layer"), "application/vnd.oci.image.layer.v1.tar", null)]);
    }

    [ClassCleanup]
    public static async Task Cleanup() => await registry.DisposeAsync();

    private static string RegistryConfig() =>
        JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [registry.Host] = new { auth = Basic } } });

    [TestMethod]
    public void OnGitHubEverySecretIsMaskedBeforeItCouldBePrinted()
    {
        using var step = new GitHubStep();
        step.Write("policies/linux.yaml", TestPolicies.LinuxImageWithPullSecret("linux-only", mutateDigest: false));
        step.Write("deploy/web.yaml", TestManifests.Pods("shop", ("web", $"{registry.Host}/shop/web:1.0")));
        step.Write("secrets/regcred.json", RegistryConfig());
        step.Environment["INPUT_REGISTRY-SECRETS"] = "regcred=secrets/regcred.json";
        step.Environment["INPUT_INSECURE-REGISTRIES"] = registry.Host;
        step.Environment["INPUT_VERBOSITY"] = "diagnostic";
        // Present in every job with id-token: write; ImageGate would use it for cloud providers.
        step.Environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = RequestToken;
        var issuedBefore = registry.TokenServer!.Issued.Count;

        var (exit, stdout, stderr) = step.Run();

        Assert.AreEqual(0, exit, stdout + stderr);
        Assert.AreEqual("pass", step.Outputs()["result"], "the image was read with the password");
        var issued = registry.TokenServer.Issued.Skip(issuedBefore).ToList();
        Assert.IsNotEmpty(issued, "the run obtained bearer tokens from the token server");
        var lines = stdout.Split('\n');
        var stop = Array.FindIndex(lines, l => l.StartsWith("::stop-commands::", StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, stop, "the report is wrapped in stop-commands");
        foreach (var (name, secret) in Secrets(GitHubStep.Token, issued))
        {
            var mask = Array.IndexOf(lines, "::add-mask::" + secret);
            Assert.IsGreaterThanOrEqualTo(0, mask, $"no ::add-mask:: for the {name}");
            Assert.IsLessThan(stop, mask, $"the {name} is masked after stop-commands, where the runner ignores commands");
            AssertFirstAppearsInItsMask(lines, mask, name, secret);
            Assert.IsEmpty(KnownSecrets.FindIn(stderr, [new(name, secret)]), $"stderr shows the {name}");
        }
        Assert.IsEmpty(KnownSecrets.FindIn(step.Summary + File.ReadAllText(step.Environment["GITHUB_OUTPUT"]), [.. Secrets(GitHubStep.Token, issued).Select(s => new KnownSecret(s.Name, s.Value))]));
    }

    [TestMethod]
    public async Task OnAzurePipelinesEverySecretIsMarkedBeforeItCouldBePrinted()
    {
        await using var stub = new AzureDevOpsApiStub(AzureToken);
        using var files = new TestFiles("scan-masking");
        files.Write("policies/linux.yaml", TestPolicies.LinuxImageWithPullSecret("linux-only", mutateDigest: false));
        files.Write("deploy/web.yaml", TestManifests.Pods("shop", ("web", $"{registry.Host}/shop/web:1.0")));
        files.Write("secrets/regcred.json", RegistryConfig());
        var environment = stub.Environment();
        var issuedBefore = registry.TokenServer!.Issued.Count;
        string[] args = ["--verbosity", "diagnostic", "scan", "--policies", "policies", "--manifests", "deploy",
            "--registry-secrets", "regcred=secrets/regcred.json", "--insecure-registries", registry.Host, "--comment"];
        var (exit, stdout, stderr) = CliInProcess.Run(args, files.Root, "scan on Azure Pipelines", name => environment.GetValueOrDefault(name));
        Assert.AreEqual(0, exit, stdout.ToString() + stderr);
        var issued = registry.TokenServer.Issued.Skip(issuedBefore).ToList();
        Assert.IsNotEmpty(issued, "the run obtained bearer tokens from the token server");
        Assert.IsNotEmpty(stub.Threads, "the thread was posted with the job token");
        var lines = stdout.ToString().Split('\n');
        foreach (var (name, secret) in Secrets(AzureToken, issued).Where(s => s.Name != "OIDC request token"))
        {
            var mark = Array.IndexOf(lines, "##vso[task.setsecret]" + secret);
            Assert.IsGreaterThanOrEqualTo(0, mark, $"no ##vso[task.setsecret] for the {name}");
            AssertFirstAppearsInItsMask(lines, mark, name, secret);
            Assert.IsEmpty(KnownSecrets.FindIn(stderr.ToString(), [new(name, secret)]), $"stderr shows the {name}");
        }
    }

    private static IEnumerable<(string Name, string Value)> Secrets(string jobToken, IReadOnlyList<string> issued) =>
        new[] { ("job token", jobToken), ("OIDC request token", RequestToken), ("registry password", Password), ("registry Basic credential", Basic) }
            .Concat(issued.Select((t, i) => ($"bearer token {i + 1} of {issued.Count}", t)));

    // The mask command must be the first line that holds the secret in any form (raw, base64, Basic).
    private static void AssertFirstAppearsInItsMask(string[] lines, int mask, string name, string secret)
    {
        var first = Array.FindIndex(lines, l => KnownSecrets.FindIn(l, [new(name, secret)]).Count > 0);
        Assert.AreEqual(mask, first, $"line {first + 1} shows the {name} before its mask command on line {mask + 1}");
    }
}
