using ImageGate.Ci.Publishing;
using ImageGate.Reporting;

namespace ImageGate.Ci.AzureDevOps;

/// <summary>What <c>imagegate scan</c> adds on Azure Pipelines to the secret marks and <c>task.logissue</c> findings: in a
/// script step (not under the ImageGate task, which does it itself), the SARIF file published as <c>CodeAnalysisLogs</c> and
/// the step result; and the pull-request publishers of the job.</summary>
public sealed class AzureDevOpsStep
{
    /// <summary>Set by the ImageGate task for the binary it runs: the task publishes SARIF and sets the result.</summary>
    public const string TaskMarkerVariable = "IMAGEGATE_AZURE_TASK";

    private readonly TextWriter stdout;

    /// <summary>A step writing its logging commands to <paramref name="stdout"/>.</summary>
    public AzureDevOpsStep(AzureDevOpsContext context, Func<string, string?> environment, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(environment);
        this.stdout = stdout ?? throw new ArgumentNullException(nameof(stdout));
        Context = context;
        UnderTask = string.Equals(environment(TaskMarkerVariable), "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The job context.</summary>
    public AzureDevOpsContext Context { get; }

    /// <summary>True when the ImageGate task started this process.</summary>
    public bool UnderTask { get; }

    /// <summary>The step for this process, or null outside Azure Pipelines (<c>TF_BUILD</c> not <c>True</c>).</summary>
    /// <exception cref="InvalidDataException">An agent variable is malformed; the message names it.</exception>
    public static AzureDevOpsStep? Detect(Func<string, string?> environment, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var context = AzureDevOpsContext.FromEnvironment(environment);
        return context.IsPipeline ? new AzureDevOpsStep(context, environment, stdout) : null;
    }

    /// <summary>Writes a publisher's notice as a warning issue, so it shows on the run's summary page.</summary>
    public void WriteNotice(string publisher, string notice) => AzureDevOpsCommands.Warning(stdout, publisher + ": " + notice);

    /// <summary>In a script step: publishes <paramref name="sarifPath"/> (when written) as <c>CodeAnalysisLogs</c> and sets the
    /// step result. Under the ImageGate task nothing is written: the task does both.</summary>
    public void Finish(RunResult result, FailOn failOn, string? sarifPath)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (UnderTask)
        {
            return;
        }
        if (sarifPath is not null && File.Exists(sarifPath))
        {
            AzureDevOpsCommands.UploadArtifact(stdout, sarifPath);
        }
        var outcome = AzureDevOpsCommands.ResultFor(result, failOn);
        var message = outcome switch
        {
            AzureTaskResult.Failed when result.HasInputErrors => "ImageGate: input errors",
            AzureTaskResult.Failed => $"ImageGate: {result.BlockingFindings(failOn).Count()} blocking finding(s)",
            AzureTaskResult.SucceededWithIssues => $"ImageGate: {result.Findings.Count(f => f.IsViolation)} finding(s) that do not block",
            _ => "ImageGate: no blocking findings",
        };
        AzureDevOpsCommands.TaskComplete(stdout, outcome, message);
    }

    /// <summary>The pull-request publishers for this job: the thread when <paramref name="thread"/> is on, the status when
    /// <paramref name="status"/> is on, on pull-request builds only.</summary>
    public IReadOnlyList<IRunPublisher> Publishers(bool thread, bool status, ReportOptions report, HttpMessageHandler? handler = null) =>
        AzureDevOpsPublishers.Create(Context, thread, status, handler, new AzureDevOpsPublisherOptions { Report = report });
}
