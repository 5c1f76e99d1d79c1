using ImageGate.Reporting;

namespace ImageGate.Ci.AzureDevOps;

/// <summary>Final result of an Azure Pipelines task, as <c>##vso[task.complete]</c> spells it.</summary>
public enum AzureTaskResult
{
    /// <summary>Nothing to report.</summary>
    Succeeded,
    /// <summary>Findings that do not fail the run.</summary>
    SucceededWithIssues,
    /// <summary>Blocking findings or input errors.</summary>
    Failed,
}

/// <summary>Azure Pipelines logging commands that are not findings: artifact upload of the SARIF file, task result,
/// secrets and output variables. Findings themselves are written by <see cref="AzureDevOpsReporter"/>.</summary>
public static class AzureDevOpsCommands
{
    /// <summary>The artifact name the SARIF SAST Scans tab reads.</summary>
    public const string CodeAnalysisLogs = "CodeAnalysisLogs";

    /// <summary><c>##vso[artifact.upload containerfolder=…;artifactname=…]path</c>: publishes <paramref name="path"/> as a build artifact.</summary>
    public static void UploadArtifact(TextWriter writer, string path, string artifactName = CodeAnalysisLogs, string containerFolder = CodeAnalysisLogs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(artifactName);
        ArgumentException.ThrowIfNullOrEmpty(containerFolder);
        writer.Write($"##vso[artifact.upload containerfolder={AzureDevOpsReporter.EscapeProperty(containerFolder)};" +
                     $"artifactname={AzureDevOpsReporter.EscapeProperty(artifactName)}]{AzureDevOpsReporter.EscapeData(Path.GetFullPath(path))}\n");
    }

    /// <summary><c>##vso[task.complete result=…;]message</c>.</summary>
    public static void TaskComplete(TextWriter writer, AzureTaskResult result, string message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write($"##vso[task.complete result={result};]{AzureDevOpsReporter.EscapeData(message)}\n");
    }

    /// <summary>The task result for an exit code (decision 7): 0 with findings that do not block is SucceededWithIssues.</summary>
    public static AzureTaskResult ResultFor(RunResult result, FailOn failOn)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.ExitCode(failOn) != ExitCodes.Success ? AzureTaskResult.Failed
            : result.Findings.Any(f => f.IsViolation) ? AzureTaskResult.SucceededWithIssues
            : AzureTaskResult.Succeeded;
    }

    /// <summary><c>##vso[task.setsecret]value</c>: the agent masks the value in all later output.</summary>
    /// <exception cref="ArgumentException">The value spans lines (the agent would mask only its first line).</exception>
    public static void SetSecret(TextWriter writer, string value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("a secret must be one line", nameof(value));
        }
        writer.Write($"##vso[task.setsecret]{AzureDevOpsReporter.EscapeData(value)}\n");
    }

    /// <summary><c>##vso[task.setvariable variable=name;isoutput=true]value</c>: an output variable of the step.</summary>
    public static void SetOutputVariable(TextWriter writer, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetter(name[0]) || !name.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{name}' is not a valid output variable name (letters and digits, starting with a letter)", nameof(name));
        }
        writer.Write($"##vso[task.setvariable variable={name};isoutput=true]{AzureDevOpsReporter.EscapeData(value)}\n");
    }

    /// <summary><c>##vso[task.logissue type=warning]message</c>: for publisher notices the job summary should show.</summary>
    public static void Warning(TextWriter writer, string message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write($"##vso[task.logissue type=warning]{AzureDevOpsReporter.EscapeData(message)}\n");
    }
}
