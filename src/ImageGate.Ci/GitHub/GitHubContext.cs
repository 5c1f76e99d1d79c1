using System.Text.Json;

namespace ImageGate.Ci.GitHub;

/// <summary>The pull request an event is about, read from <c>GITHUB_EVENT_PATH</c>.</summary>
/// <param name="Number">Pull request number.</param>
/// <param name="HeadSha">The PR head commit (not <c>GITHUB_SHA</c>, which is the merge commit on <c>pull_request</c>).</param>
/// <param name="IsFork">True when the head is in another repository than the base: the token is read-only then.</param>
public sealed record GitHubPullRequest(int Number, string HeadSha, bool IsFork);

/// <summary>The GitHub Actions environment of one step: workspace, environment files, repository and event.</summary>
public sealed record GitHubContext
{
    /// <summary>Largest event payload read; GitHub's are far smaller.</summary>
    public const long MaxEventBytes = 16 * 1024 * 1024;

    /// <summary>True when <c>GITHUB_ACTIONS=true</c>.</summary>
    public bool IsActions { get; init; }

    /// <summary><c>GITHUB_WORKSPACE</c>: repository-relative paths are relative to it.</summary>
    public string? Workspace { get; init; }

    /// <summary><c>GITHUB_REPOSITORY</c> as <c>owner/name</c>.</summary>
    public string? Repository { get; init; }

    /// <summary><c>GITHUB_API_URL</c>; GHES and ghe.com set their own.</summary>
    public Uri ApiUrl { get; init; } = new("https://api.github.com");

    /// <summary><c>GITHUB_SERVER_URL</c>, for links.</summary>
    public Uri ServerUrl { get; init; } = new("https://github.com");

    /// <summary><c>GITHUB_EVENT_NAME</c>.</summary>
    public string? EventName { get; init; }

    /// <summary><c>GITHUB_SHA</c>.</summary>
    public string? Sha { get; init; }

    /// <summary><c>GITHUB_RUN_ID</c>.</summary>
    public string? RunId { get; init; }

    /// <summary><c>GITHUB_OUTPUT</c> file.</summary>
    public string? OutputFile { get; init; }

    /// <summary><c>GITHUB_STEP_SUMMARY</c> file.</summary>
    public string? StepSummaryFile { get; init; }

    /// <summary>The pull request of a <c>pull_request</c>/<c>pull_request_target</c> event, else null.</summary>
    public GitHubPullRequest? PullRequest { get; init; }

    /// <summary>Reads the context from environment variables (a lookup, so tests pass their own).</summary>
    /// <exception cref="InvalidDataException">The event payload is unreadable or not JSON; the message names the file.</exception>
    public static GitHubContext FromEnvironment(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        string? Get(string name) => env(name) is { Length: > 0 } v ? v : null;
        var eventPath = Get("GITHUB_EVENT_PATH");
        return new GitHubContext
        {
            IsActions = string.Equals(Get("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase),
            Workspace = Get("GITHUB_WORKSPACE"),
            Repository = Get("GITHUB_REPOSITORY"),
            ApiUrl = ParseUrl(Get("GITHUB_API_URL"), "GITHUB_API_URL") ?? new Uri("https://api.github.com"),
            ServerUrl = ParseUrl(Get("GITHUB_SERVER_URL"), "GITHUB_SERVER_URL") ?? new Uri("https://github.com"),
            EventName = Get("GITHUB_EVENT_NAME"),
            Sha = Get("GITHUB_SHA"),
            RunId = Get("GITHUB_RUN_ID"),
            OutputFile = Get("GITHUB_OUTPUT"),
            StepSummaryFile = Get("GITHUB_STEP_SUMMARY"),
            PullRequest = eventPath is null ? null : ReadPullRequest(eventPath),
        };
    }

    private static string? FullName(JsonElement side) =>
        side.ValueKind == JsonValueKind.Object && side.TryGetProperty("repo", out var repo) && repo.ValueKind == JsonValueKind.Object
        && repo.TryGetProperty("full_name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;

    private static Uri? ParseUrl(string? value, string name) =>
        value is null ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri
        : throw new InvalidDataException($"{name} is not an absolute URL: '{value}'");

    /// <summary>Reads <c>pull_request.number</c>, <c>head.sha</c> and <c>head.repo.fork</c> from an event payload.</summary>
    public static GitHubPullRequest? ReadPullRequest(string eventPath)
    {
        var info = new FileInfo(eventPath);
        if (!info.Exists) throw new InvalidDataException($"{eventPath}: GITHUB_EVENT_PATH does not exist");
        if (info.Length > MaxEventBytes) throw new InvalidDataException($"{eventPath}: event payload larger than {MaxEventBytes} bytes");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(eventPath), new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("pull_request", out var pr) || pr.ValueKind != JsonValueKind.Object)
                return null;
            var number = pr.TryGetProperty("number", out var n) && n.TryGetInt32(out var value) ? value : 0;
            var head = pr.TryGetProperty("head", out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
            var sha = head.ValueKind == JsonValueKind.Object && head.TryGetProperty("sha", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()! : "";
            var headRepo = FullName(head);
            var baseRepo = pr.TryGetProperty("base", out var b) ? FullName(b) : null;
            // A PR from another repository gets a read-only token; a branch of a repository that is itself a fork does not.
            var fork = headRepo is not null && baseRepo is not null
                ? !string.Equals(headRepo, baseRepo, StringComparison.OrdinalIgnoreCase)
                : head.ValueKind == JsonValueKind.Object && head.TryGetProperty("repo", out var repo)
                  && repo.ValueKind == JsonValueKind.Object && repo.TryGetProperty("fork", out var f) && f.ValueKind == JsonValueKind.True;
            if (number <= 0 || sha.Length == 0)
                throw new InvalidDataException($"{eventPath}: pull_request event without number or head.sha");
            return new GitHubPullRequest(number, sha, fork);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{eventPath}: event payload is not valid JSON ({e.Message})", e);
        }
    }
}
