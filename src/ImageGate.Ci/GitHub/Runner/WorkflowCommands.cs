using ImageGate.Reporting;

namespace ImageGate.Ci.GitHub.Runner;

/// <summary>Writes GitHub Actions workflow commands (<c>::add-mask::</c>, <c>::notice::</c>, …) to the step's standard
/// output, escaped as the runner expects. Thread-safe: credentials may be masked from registry calls in flight.</summary>
public sealed class WorkflowCommands(TextWriter stdout)
{
    /// <summary>Shortest line of a multi-line secret masked on its own.</summary>
    public const int MinLinePart = 4;

    private readonly HashSet<string> masked = new(StringComparer.Ordinal);

    /// <summary>Masks <paramref name="secret"/> in every later log line: the whole value and each of its lines.
    /// Must be written before anything could print the value; each value is masked once.</summary>
    public void AddMask(string? secret)
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
                if (part.Length > 0 && masked.Add(part))
                {
                    stdout.Write($"::add-mask::{GitHubAnnotationsReporter.EscapeData(part)}\n");
                }
            }
            stdout.Flush();
        }
    }

    /// <summary>Stops the runner from reading workflow commands until <see cref="ResumeCommands"/>: text from the repository
    /// (policy messages, image strings) printed in between cannot act as a command. Returns the random resume token.</summary>
    public string StopCommands()
    {
        var token = "imagegate-" + Guid.NewGuid().ToString("N");
        lock (stdout)
        {
            stdout.Write($"::stop-commands::{token}\n");
        }
        return token;
    }

    /// <summary>Lets the runner read workflow commands again.</summary>
    public void ResumeCommands(string token)
    {
        lock (stdout)
        {
            stdout.Write($"::{token}::\n");
        }
    }

    /// <summary>A notice annotation without a file.</summary>
    public void Notice(string message, string title = "ImageGate") => Write("notice", message, title);

    /// <summary>A warning annotation without a file.</summary>
    public void Warning(string message, string title = "ImageGate") => Write("warning", message, title);

    /// <summary>An error annotation without a file.</summary>
    public void Error(string message, string title = "ImageGate") => Write("error", message, title);

    private void Write(string command, string message, string title)
    {
        lock (stdout)
        {
            stdout.Write($"::{command} title={GitHubAnnotationsReporter.EscapeProperty(title)}::{GitHubAnnotationsReporter.EscapeData(message)}\n");
        }
    }
}
