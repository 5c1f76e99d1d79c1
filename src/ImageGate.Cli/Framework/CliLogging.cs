using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ImageGate.Cli.Framework;

/// <summary>Logging to standard error through Microsoft.Extensions.Logging.Console. The logger factory is built only
/// when a message at an enabled level is first written, so commands that log nothing start fast.</summary>
public sealed class CliLogging : IDisposable
{
    private readonly TextWriter _stderr;
    private ILoggerFactory? _factory;

    /// <summary>Creates logging at <paramref name="minimumLevel"/>, writing to <paramref name="stderr"/>.</summary>
    public CliLogging(LogLevel minimumLevel, TextWriter stderr)
    {
        MinimumLevel = minimumLevel;
        _stderr = stderr;
    }

    /// <summary>The lowest level written.</summary>
    public LogLevel MinimumLevel { get; }

    /// <summary>A logger for <paramref name="category"/>.</summary>
    public ILogger CreateLogger(string category) => new DeferredLogger(this, category);

    /// <summary>A logger named after <typeparamref name="T"/>.</summary>
    public ILogger<T> CreateLogger<T>() => new DeferredLogger<T>(this);

    private ILoggerFactory Factory => _factory ??= Build();

    private ILoggerFactory Build()
    {
        var level = MinimumLevel;
        if (ReferenceEquals(_stderr, Console.Error))
        {
            return LoggerFactory.Create(builder => builder
                .SetMinimumLevel(level)
                .AddConsole(o =>
                {
                    o.FormatterName = CliConsoleFormatter.FormatterName;
                    o.LogToStandardErrorThreshold = LogLevel.Trace;
                })
                // The formatter is registered as an instance: it has no options to bind from configuration, and
                // this keeps the registration free of reflection (trimmed builds).
                .Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter>(new CliConsoleFormatter())));
        }
        // In-process runs (tests, embedding) write to the given writer with the same format.
        return LoggerFactory.Create(builder => builder.SetMinimumLevel(level).AddProvider(new WriterLoggerProvider(_stderr)));
    }

    /// <summary>Flushes and closes the console logger.</summary>
    public void Dispose() => _factory?.Dispose();

    private class DeferredLogger(CliLogging owner, string category) : ILogger
    {
        private ILogger? _inner;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => NullScope.Instance;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= owner.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                (_inner ??= owner.Factory.CreateLogger(category)).Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }

    private sealed class DeferredLogger<T>(CliLogging owner) : DeferredLogger(owner, typeof(T).FullName ?? typeof(T).Name), ILogger<T>;

    private sealed class NullScope : IDisposable
    {
        public static NullScope Instance { get; } = new();

        public void Dispose()
        {
        }
    }

    private sealed class WriterLoggerProvider(TextWriter writer) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new WriterLogger(writer);

        public void Dispose()
        {
        }
    }

    private sealed class WriterLogger(TextWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => NullScope.Instance;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (writer)
            {
                writer.WriteLine(CliConsoleFormatter.Format(logLevel, formatter(state, exception), exception));
            }
        }
    }
}

/// <summary>Writes log lines as <c>warning: message</c>, the way compilers and linters do.</summary>
internal sealed class CliConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "imagegate";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        textWriter.WriteLine(Format(logEntry.LogLevel, message, logEntry.Exception));
    }

    public static string Format(LogLevel level, string message, Exception? exception)
    {
        var prefix = level switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warning",
            LogLevel.Error => "error",
            _ => "critical",
        };
        return exception is null ? $"{prefix}: {message}" : $"{prefix}: {message}: {exception.Message}";
    }
}
