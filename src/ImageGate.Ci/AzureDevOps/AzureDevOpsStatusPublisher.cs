using System.Globalization;
using System.Text.Json.Nodes;
using ImageGate.Ci.Publishing;
using ImageGate.Reporting;

namespace ImageGate.Ci.AzureDevOps;

/// <summary>Sets a pull-request status (<c>imagegate/image-verification</c> by default) that a branch policy can
/// require: <c>succeeded</c>, <c>failed</c> for blocking findings under <c>fail-on</c>, <c>error</c> for input errors.</summary>
public sealed class AzureDevOpsStatusPublisher : IRunPublisher
{
    private const string What = "pull-request status";
    private readonly AzureDevOpsContext context;
    private readonly HttpClient http;
    private readonly AzureDevOpsPublisherOptions options;

    /// <summary>A publisher for the pull request of <paramref name="context"/>, calling the API through <paramref name="http"/>.</summary>
    public AzureDevOpsStatusPublisher(AzureDevOpsContext context, HttpClient http, AzureDevOpsPublisherOptions? options = null)
    {
        this.context = context ?? throw new ArgumentNullException(nameof(context));
        this.http = http ?? throw new ArgumentNullException(nameof(http));
        this.options = options ?? new AzureDevOpsPublisherOptions();
    }

    /// <inheritdoc />
    public string Name => "azure-devops-status";

    /// <summary>The status state for a run: <c>error</c>, <c>failed</c> or <c>succeeded</c>.</summary>
    public static string State(RunResult result, FailOn failOn)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.ExitCode(failOn) switch
        {
            ExitCodes.InputError => "error",
            ExitCodes.Blocking => "failed",
            _ => "succeeded",
        };
    }

    /// <summary>The one-line description shown beside the status.</summary>
    public static string Description(RunResult result, FailOn failOn)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Summary;
        if (result.HasInputErrors)
        {
            var errors = result.Diagnostics.Count(d => d.Level == DiagnosticLevel.Error);
            return string.Create(CultureInfo.InvariantCulture, $"{errors} input error(s): see the build log");
        }
        var blocking = result.BlockingFindings(failOn).Count();
        var nonBlocking = result.Findings.Count(f => f.IsViolation) - blocking;
        var head = blocking > 0 ? string.Create(CultureInfo.InvariantCulture, $"{blocking} blocking finding(s)") : "no blocking findings";
        var tail = string.Create(CultureInfo.InvariantCulture, $"{s.Pass} passed");
        if (nonBlocking > 0)
        {
            tail += string.Create(CultureInfo.InvariantCulture, $", {nonBlocking} not blocking");
        }
        return head + "; " + tail;
    }

    /// <inheritdoc />
    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AzureDevOpsNotices.Precondition(context, What) is { } skip)
        {
            return PublishOutcome.Skipped(skip);
        }
        var failOn = options.Report.FailOn;
        var state = State(request.Result, failOn);
        var body = new JsonObject
        {
            ["state"] = state,
            ["description"] = Description(request.Result, failOn),
            ["context"] = new JsonObject { ["genre"] = options.StatusGenre, ["name"] = options.StatusName },
        };
        if (context.BuildResultsUri is { } link)
        {
            body["targetUrl"] = link.AbsoluteUri;
        }
        var api = new AzureDevOpsApi(http, context.PullRequestApiUri!, context.AccessToken!, options.MaxResponseBytes);
        const string step = "set the pull-request status";
        try
        {
            var response = await api.SendAsync(HttpMethod.Post, "statuses", body, cancellationToken).ConfigureAwait(false);
            return response.IsSuccess
                ? new PublishOutcome(true, [$"Azure DevOps: pull-request status {options.StatusGenre}/{options.StatusName} set to {state}."])
                : PublishOutcome.Skipped(AzureDevOpsNotices.Refused(response, step, context));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return PublishOutcome.Skipped(AzureDevOpsNotices.Unreachable(e, step, context));
        }
    }
}
