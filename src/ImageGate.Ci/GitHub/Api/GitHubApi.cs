using System.Net;
using System.Reflection;
using Octokit;
using Octokit.Internal;

namespace ImageGate.Ci.GitHub.Api;

/// <summary>Builds the Octokit client and turns API failures into notices that never carry the token.</summary>
internal static class GitHubApi
{
    private static readonly string Version =
        typeof(GitHubApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>A client whose requests go to <paramref name="apiUrl"/> verbatim: GHES <c>https://HOST/api/v3</c> and
    /// ghe.com <c>https://api.SUB.ghe.com</c> alike (GitHubClient's own Uri constructor would append <c>/api/v3</c>).</summary>
    public static GitHubClient CreateClient(Uri apiUrl, string token, HttpMessageHandler? handler, TimeSpan timeout)
    {
        // Octokit resolves relative paths against the base address, so a path prefix needs its trailing slash.
        var baseAddress = new Uri(apiUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        var http = new HttpClientAdapter(() => new JsonContentTypeHandler(handler ?? HttpMessageHandlerFactory.CreateDefault()));
        var connection = new Connection(
            new ProductHeaderValue("ImageGate", Version), baseAddress,
            new InMemoryCredentialStore(new Credentials(token, AuthenticationType.Bearer)), http, new SimpleJsonSerializer());
        connection.SetRequestTimeout(timeout);
        return new GitHubClient(connection);
    }

    /// <summary>Media type GitHub documents for JSON answers.</summary>
    public const string Accept = "application/vnd.github+json";

    /// <summary>Content type of JSON request bodies.</summary>
    public const string Json = "application/json";

    /// <summary>A path under <c>repos/{owner}/{repo}/</c>, relative to the API base address.</summary>
    public static Uri RepoUri(string owner, string repo, string rest) =>
        new($"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/{rest}", UriKind.Relative);

    /// <summary>Splits <c>owner/name</c>; null when it is not of that form.</summary>
    public static (string Owner, string Name)? SplitRepository(string? repository)
    {
        var parts = repository?.Split('/') ?? [];
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }

    /// <summary>A notice for a failed call, naming the permission to grant when GitHub refused it.</summary>
    public static string Describe(Exception e, string action, string permission, Uri apiUrl)
    {
        switch (e)
        {
            case RateLimitExceededException or SecondaryRateLimitExceededException:
                return $"GitHub's rate limit stopped ImageGate from {action}; the results are in the annotations, job summary and SARIF file.";
            case AuthorizationException:
                return $"GitHub rejected the token while {action} (401): check the github-token input.";
            case ApiException api when api.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound:
                return $"GitHub refused {action} ({(int)api.StatusCode}: {ApiMessage(api)}). The token needs the `{permission}` permission: "
                    + $"add `permissions: {permission}` to the job (fork pull requests get a read-only token and cannot be given it).";
            case ApiException api:
                return $"GitHub answered {(int)api.StatusCode} while {action}: {ApiMessage(api)}";
            case HttpRequestException http:
                return $"Could not reach the GitHub API at {apiUrl} while {action}: {http.Message}";
            case TaskCanceledException:
                return $"The GitHub API at {apiUrl} did not answer in time while {action}.";
            default:
                return $"{action} failed: {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>True for failures that become notices: API answers, network faults and timeouts.</summary>
    public static bool IsApiFailure(Exception e, CancellationToken cancellationToken) =>
        e is ApiException or HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>Replaces every occurrence of the token, so no notice can leak it even if an answer echoed it.</summary>
    public static string Scrub(string text, string? token) =>
        string.IsNullOrEmpty(token) ? text : text.Replace(token, "***", StringComparison.Ordinal);

    /// <summary>The workflow run's page, when the context names one.</summary>
    public static Uri? RunUrl(GitHubContext context) =>
        context.Repository is { } repo && context.RunId is { } run
            ? new Uri($"{context.ServerUrl.AbsoluteUri.TrimEnd('/')}/{repo}/actions/runs/{Uri.EscapeDataString(run)}")
            : null;

    /// <summary>Cuts <paramref name="value"/> to at most <paramref name="max"/> characters without splitting a surrogate pair.</summary>
    public static string Cut(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }
        var cut = Math.Max(0, max);
        if (cut > 0 && char.IsHighSurrogate(value[cut - 1]))
        {
            cut--;
        }
        return value[..cut];
    }

    private static string ApiMessage(ApiException api)
    {
        var message = api.ApiError?.Message ?? api.Message;
        return string.IsNullOrWhiteSpace(message) ? "no message" : Cut(message.ReplaceLineEndings(" "), 300).TrimEnd('.');
    }
}
