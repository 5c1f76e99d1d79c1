using ImageGate.Reporting;

namespace ImageGate.Cli.Scan;

/// <summary>Marks values as secret in an Azure Pipelines log (<c>##vso[task.setsecret]</c>), once each and per line,
/// before anything could print them. Thread-safe.</summary>
public sealed class AzurePipelinesSecrets(TextWriter stdout)
{
    /// <summary>Shortest line of a multi-line secret masked on its own.</summary>
    public const int MinLinePart = 4;

    private readonly HashSet<string> marked = new(StringComparer.Ordinal);

    /// <summary>True when the process runs in an Azure Pipelines job (<c>TF_BUILD=True</c>).</summary>
    public static bool IsAzurePipelines(Func<string, string?> environment) =>
        string.Equals(environment("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase);

    /// <summary>Marks <paramref name="secret"/> and each of its lines as secret.</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return;
        }
        lock (stdout)
        {
            // Each line too, except short ones such as a lone brace of a JSON key file, which would blank the whole log.
            foreach (var part in new[] { secret }.Concat(secret.Split('\n').Select(l => l.Trim('\r', ' ', '\t')).Where(l => l.Length >= MinLinePart)))
            {
                if (part.Length > 0 && marked.Add(part))
                {
                    stdout.Write($"##vso[task.setsecret]{AzureDevOpsReporter.EscapeData(part)}\n");
                }
            }
            stdout.Flush();
        }
    }
}
