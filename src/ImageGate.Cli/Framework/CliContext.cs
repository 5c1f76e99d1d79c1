using Microsoft.Extensions.Logging;

namespace ImageGate.Cli.Framework;

/// <summary>What a command runs with: standard streams, working directory and logging.</summary>
public sealed class CliContext
{
    /// <summary>Creates a context. <paramref name="workingDirectory"/> defaults to the process's current directory.</summary>
    public CliContext(TextWriter stdout, TextWriter stderr, TextReader? stdin = null, string? workingDirectory = null, CancellationToken cancellation = default)
    {
        Cancellation = cancellation;
        Stdout = stdout;
        Stderr = stderr;
        Stdin = stdin;
        WorkingDirectory = workingDirectory ?? System.Environment.CurrentDirectory;
        Logging = new CliLogging(LogLevel.Warning, stderr);
    }

    /// <summary>Cancels long-running work (network, large inputs) when the run is stopped.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Where results go.</summary>
    public TextWriter Stdout { get; }

    /// <summary>Where errors and logs go.</summary>
    public TextWriter Stderr { get; }

    /// <summary>Standard input, for the <c>-</c> input.</summary>
    public TextReader? Stdin { get; }

    /// <summary>Relative paths are resolved, and shown, relative to this folder.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Reads environment variables (CI inputs, GITHUB_*); tests substitute their own.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>True when <c>--verbosity</c> was given on the command line.</summary>
    public bool VerbosityGiven { get; internal set; }

    /// <summary>Logging at the level of <c>--verbosity</c>.</summary>
    public CliLogging Logging { get; internal set; }

    /// <summary>The lowest level written (from <c>--verbosity</c>).</summary>
    public bool Quiet => Logging.MinimumLevel >= LogLevel.Error;

    /// <summary>Writes an error line to standard error: <c>location: error: message</c> (or <c>error: message</c>).</summary>
    public void WriteError(string message, string? location = null) =>
        Stderr.WriteLine(location is null ? $"error: {message}" : $"{location}: error: {message}");

    /// <summary>Resolves <paramref name="path"/> against <see cref="WorkingDirectory"/>.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
