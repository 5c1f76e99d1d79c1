namespace ImageGate.Ci.AzureDevOps;

/// <summary>The notices the Azure DevOps publishers log instead of failing the run.</summary>
internal static class AzureDevOpsNotices
{
    /// <summary>Why <paramref name="what"/> cannot be posted in this job, or null when it can.</summary>
    public static string? Precondition(AzureDevOpsContext context, string what)
    {
        if (context.PullRequestId is null)
        {
            return $"Azure DevOps: not a pull-request build (SYSTEM_PULLREQUEST_PULLREQUESTID is not set); no {what}.";
        }
        if (!context.IsAzureRepos)
        {
            return $"Azure DevOps: the repository is on {context.RepositoryProvider}, not Azure Repos; no {what} (the annotations and SARIF still apply).";
        }
        if (context.PullRequestApiUri is null)
        {
            return $"Azure DevOps: SYSTEM_COLLECTIONURI, SYSTEM_TEAMPROJECTID or BUILD_REPOSITORY_ID is not set; no {what}.";
        }
        if (string.IsNullOrEmpty(context.AccessToken))
        {
            return $"Azure DevOps: no access token; map it with 'env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)' to get a {what}.";
        }
        return null;
    }

    /// <summary>The notice for an answer that is not a success: 401/403 name the permission the build service needs.</summary>
    public static string Refused(ApiResponse response, string action, AzureDevOpsContext context)
    {
        var detail = response.ErrorMessage();
        var suffix = detail.Length > 0 ? " (" + detail + ")" : "";
        var text = response.IsAuthFailure
            ? $"Azure DevOps refused to {action} (HTTP {(int)response.Status}){suffix}. Grant 'Contribute to pull requests' on this repository " +
              "to the project's build service identity ('<Project> Build Service (<organization>)') in Project settings > Repositories > Security."
            : $"Azure DevOps could not {action}: HTTP {(int)response.Status}{suffix}.";
        return Sanitize(text, context.AccessToken);
    }

    /// <summary>The notice for a request that did not get an answer (network, timeout, oversized answer).</summary>
    public static string Unreachable(Exception error, string action, AzureDevOpsContext context) =>
        Sanitize($"Azure DevOps could not {action}: {error.Message}", context.AccessToken);

    /// <summary>Removes the token from text that came from elsewhere (server messages, exception texts).</summary>
    public static string Sanitize(string text, string? token) =>
        string.IsNullOrEmpty(token) ? text : text.Replace(token, "***", StringComparison.Ordinal);
}
