using Microsoft.Extensions.Logging;

namespace ImageGate.Cli.Framework;

/// <summary>The <c>--verbosity</c> levels and the log level each shows.</summary>
public static class Verbosity
{
    /// <summary>Accepted values of <c>--verbosity</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["quiet", "normal", "detailed", "diagnostic"];

    /// <summary>The lowest log level written for <paramref name="verbosity"/>.</summary>
    public static LogLevel ToLogLevel(string? verbosity) => verbosity switch
    {
        "quiet" => LogLevel.Error,
        "detailed" => LogLevel.Information,
        "diagnostic" => LogLevel.Trace,
        _ => LogLevel.Warning,
    };
}
