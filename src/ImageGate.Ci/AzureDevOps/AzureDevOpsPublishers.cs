using ImageGate.Ci.Publishing;

namespace ImageGate.Ci.AzureDevOps;

/// <summary>Chooses the Azure DevOps pull-request publishers of a run.</summary>
public static class AzureDevOpsPublishers
{
    /// <summary>On pull-request builds (<c>SYSTEM_PULLREQUEST_PULLREQUESTID</c> set), the thread publisher when <paramref name="thread"/>
    /// is on and the status publisher when <paramref name="status"/> is on; none otherwise. A missing token, a repository outside
    /// Azure Repos or a refusal surfaces as a notice when publishing.</summary>
    /// <param name="context">The job's Azure Pipelines context (collection, project, repository, pull request, token).</param>
    /// <param name="thread">Post or update the pull-request thread.</param>
    /// <param name="status">Set the pull-request status.</param>
    /// <param name="handler">HTTP handler to use instead of the default, for tests; the caller keeps ownership.</param>
    /// <param name="options">Thread key, status context, limits and report settings.</param>
    public static IReadOnlyList<IRunPublisher> Create(
        AzureDevOpsContext context, bool thread, bool status, HttpMessageHandler? handler = null, AzureDevOpsPublisherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= new AzureDevOpsPublisherOptions();
        var publishers = new List<IRunPublisher>();
        if ((!thread && !status) || context.PullRequestId is null)
        {
            return publishers;
        }
        // No redirects: a redirect must not carry the job token to another host.
        var http = handler is null
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = options.RequestTimeout }
            : new HttpClient(handler, disposeHandler: false) { Timeout = options.RequestTimeout };
        if (thread)
        {
            publishers.Add(new AzureDevOpsThreadPublisher(context, http, options));
        }
        if (status)
        {
            publishers.Add(new AzureDevOpsStatusPublisher(context, http, options));
        }
        return publishers;
    }
}
