using ImageGate.TestSupport;

namespace ImageGate.IntegrationTests.Scan;

/// <summary>A GitHub Actions step around <c>imagegate scan</c>: a workspace, a pull_request event payload, the
/// environment files, and <c>INPUT_*</c> variables, run as a real process the way the runner starts a container action.</summary>
internal sealed class GitHubStep : IDisposable
{
    public const string Token = "ghs_scanTestToken0123456789abcdef";
    public const string HeadSha = "0f0e0d0c0b0a09080706050403020100ffeeddcc";

    private readonly TestFiles files = new("scan-step");

    public GitHubStep()
    {
        var side = new { sha = HeadSha, @ref = "feature", repo = new { full_name = "acme/shop", fork = false } };
        var baseSide = new { sha = "1111111111111111111111111111111111111111", @ref = "main", repo = new { full_name = "acme/shop", fork = false } };
        files.Write("event.json", System.Text.Json.JsonSerializer.Serialize(new { action = "synchronize", number = 17, pull_request = new { number = 17, head = side, @base = baseSide } }));
        Directory.CreateDirectory(Path.Combine(Workspace, ".docker"));
        File.WriteAllText(Path.Combine(Workspace, ".docker", "config.json"), "{}");
        Environment = new Dictionary<string, string>
        {
            ["CI"] = "true",
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_WORKSPACE"] = Workspace,
            ["GITHUB_REPOSITORY"] = "acme/shop",
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_API_URL"] = "https://api.github.com",
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = Path.Combine(Workspace, "event.json"),
            ["GITHUB_SHA"] = "2222222222222222222222222222222222222222",
            ["GITHUB_RUN_ID"] = "1001",
            ["GITHUB_OUTPUT"] = Path.Combine(Workspace, ".runner", "output"),
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(Workspace, ".runner", "summary.md"),
            ["DOCKER_CONFIG"] = Path.Combine(Workspace, ".docker"),
            ["INPUT_GITHUB-TOKEN"] = Token,
            ["INPUT_POLICIES"] = "policies/",
            ["INPUT_MANIFESTS"] = "deploy/**/*.yaml",
            ["INPUT_FAIL-ON"] = "deny",
            ["INPUT_COMMENT"] = "false", // publishing to the GitHub API is covered by GitHubApiScanTests against the API stub
            ["INPUT_CHECK-RUN"] = "false",
            ["INPUT_PIN-DIGESTS"] = "false",
            ["INPUT_OFFLINE"] = "true",
            ["INPUT_VERBOSITY"] = "normal",
        };
        Directory.CreateDirectory(Path.Combine(Workspace, ".runner"));
        File.WriteAllText(Environment["GITHUB_OUTPUT"], "");
        File.WriteAllText(Environment["GITHUB_STEP_SUMMARY"], "");
    }

    public string Workspace => files.Root;

    public Dictionary<string, string> Environment { get; }

    public string Write(string relative, string text) => files.Write(relative, text);

    public string Read(string relative) => File.ReadAllText(Path.Combine(Workspace, relative));

    public string Summary => File.ReadAllText(Environment["GITHUB_STEP_SUMMARY"]);

    public IReadOnlyDictionary<string, string> Outputs() =>
        Ci.GitHub.Runner.EnvironmentFiles.ParseOutputs(File.ReadAllText(Environment["GITHUB_OUTPUT"])).ToDictionary();

    /// <summary>Runs <c>imagegate scan</c> in the workspace with only this step's variables (plus what dotnet needs).</summary>
    public (int Code, string Stdout, string Stderr) Run()
    {
        var (code, stdout, stderr) = ImageGateProcess.Run(Workspace, ["scan"], environment =>
        {
            foreach (var name in environment.Keys.ToList())
            {
                if (name.StartsWith("GITHUB_", StringComparison.Ordinal) || name.StartsWith("INPUT_", StringComparison.Ordinal)
                    || name.StartsWith("RUNNER_", StringComparison.Ordinal) || name.StartsWith("ACTIONS_", StringComparison.Ordinal)
                    || name.StartsWith("AZURE_", StringComparison.Ordinal) || name.StartsWith("AWS_", StringComparison.Ordinal)
                    || name.StartsWith("GOOGLE_", StringComparison.Ordinal) || name is "TF_BUILD" or "SYSTEM_OIDCREQUESTURI")
                {
                    environment.Remove(name);
                }
            }
            foreach (var (name, value) in Environment)
            {
                environment[name] = value;
            }
        }, outputFiles: Environment.Values.Where(Path.IsPathRooted));
        return (code, stdout.Replace("\r\n", "\n", StringComparison.Ordinal), stderr);
    }

    public void Dispose() => files.Dispose();
}
