namespace ImageGate.Ci.AzureDevOps;

/// <summary>The Azure Pipelines environment of one job: organization, project, repository, pull request and token.</summary>
public sealed record AzureDevOpsContext
{
    /// <summary>True when <c>TF_BUILD=True</c>: the process runs in an Azure Pipelines job.</summary>
    public bool IsPipeline { get; init; }

    /// <summary><c>SYSTEM_COLLECTIONURI</c> with a trailing <c>/</c>, e.g. <c>https://dev.azure.com/org/</c>.</summary>
    public Uri? CollectionUri { get; init; }

    /// <summary><c>SYSTEM_TEAMPROJECTID</c>, else <c>SYSTEM_TEAMPROJECT</c>: the project in REST paths.</summary>
    public string? Project { get; init; }

    /// <summary><c>BUILD_REPOSITORY_ID</c>.</summary>
    public string? RepositoryId { get; init; }

    /// <summary><c>BUILD_REPOSITORY_PROVIDER</c>: <c>TfsGit</c> for Azure Repos, <c>GitHub</c>/<c>GitHubEnterprise</c> otherwise.</summary>
    public string? RepositoryProvider { get; init; }

    /// <summary><c>SYSTEM_PULLREQUEST_PULLREQUESTID</c> on pull-request builds of Azure Repos, else null.</summary>
    public int? PullRequestId { get; init; }

    /// <summary><c>SYSTEM_PULLREQUEST_ISFORK</c>.</summary>
    public bool IsFork { get; init; }

    /// <summary><c>BUILD_BUILDID</c>, for the status link.</summary>
    public string? BuildId { get; init; }

    /// <summary><c>SYSTEM_ACCESSTOKEN</c> (mapped by the pipeline or passed by the task); never written to any message.</summary>
    public string? AccessToken { get; init; }

    /// <summary>True when the repository is in Azure Repos, where pull-request threads and statuses apply.</summary>
    public bool IsAzureRepos => RepositoryProvider is null || string.Equals(RepositoryProvider, "TfsGit", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>…/_apis/git/repositories/{repo}/pullRequests/{id}</c>, or null when a part is missing.</summary>
    public Uri? PullRequestApiUri =>
        CollectionUri is null || Project is null || RepositoryId is null || PullRequestId is null ? null
        : new Uri(CollectionUri, $"{Uri.EscapeDataString(Project)}/_apis/git/repositories/{Uri.EscapeDataString(RepositoryId)}/pullRequests/{PullRequestId}");

    /// <summary>The build's results page, or null when the build id is unknown.</summary>
    public Uri? BuildResultsUri =>
        CollectionUri is null || Project is null || BuildId is null ? null
        : new Uri(CollectionUri, $"{Uri.EscapeDataString(Project)}/_build/results?buildId={Uri.EscapeDataString(BuildId)}");

    /// <summary>Reads the context from environment variables (a lookup, so tests pass their own).</summary>
    /// <exception cref="InvalidDataException">The collection URI is not an absolute http(s) URL, or a pull-request id is not a number.</exception>
    public static AzureDevOpsContext FromEnvironment(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        string? Get(string name) => env(name) is { Length: > 0 } v ? v.Trim() : null;
        var prText = Get("SYSTEM_PULLREQUEST_PULLREQUESTID");
        int? pr = null;
        if (prText is not null)
        {
            pr = int.TryParse(prText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0
                ? id : throw new InvalidDataException($"SYSTEM_PULLREQUEST_PULLREQUESTID is not a pull-request id: '{prText}'");
        }
        return new AzureDevOpsContext
        {
            IsPipeline = string.Equals(Get("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase),
            CollectionUri = ParseCollectionUri(Get("SYSTEM_COLLECTIONURI") ?? Get("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI")),
            Project = Get("SYSTEM_TEAMPROJECTID") ?? Get("SYSTEM_TEAMPROJECT"),
            RepositoryId = Get("BUILD_REPOSITORY_ID"),
            RepositoryProvider = Get("BUILD_REPOSITORY_PROVIDER"),
            PullRequestId = pr,
            IsFork = string.Equals(Get("SYSTEM_PULLREQUEST_ISFORK"), "True", StringComparison.OrdinalIgnoreCase),
            BuildId = Get("BUILD_BUILDID"),
            AccessToken = Get("SYSTEM_ACCESSTOKEN"),
        };
    }

    private static Uri? ParseCollectionUri(string? value)
    {
        if (value is null)
        {
            return null;
        }
        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidDataException($"SYSTEM_COLLECTIONURI is not an absolute http(s) URL: '{value}'");
        }
        return uri;
    }
}
