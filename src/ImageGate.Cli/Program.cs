using ImageGate.Cli.Framework;
using ImageGate.Manifests;

namespace ImageGate.Cli;

/// <summary>The entry point: finds the command, parses its arguments, runs it and maps errors to exit codes.</summary>
public static class Program
{
    /// <summary>Process entry point.</summary>
    public static int Main(string[] args)
    {
        // Console.In is created on first read: creating it initialises the terminal, which costs milliseconds that
        // commands reading no standard input should not pay.
        var stdin = Console.IsInputRedirected ? new LazyConsoleReader() : null;
        var code = Run(args, new CliContext(Console.Out, Console.Error, stdin));
        Console.Out.Flush();
        return code;
    }

    /// <summary>Runs the CLI in-process with the given output writers.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, new CliContext(stdout, stderr));

    /// <summary>Runs the CLI in-process with a full context (standard input, working directory).</summary>
    public static int Run(string[] args, CliContext context)
    {
        try
        {
            return Dispatch(args, context);
        }
        catch (UsageException e)
        {
            context.WriteError(e.Message);
            return ExitCodes.ForException(e);
        }
        finally
        {
            context.Logging.Dispose();
        }
    }

    private static int Dispatch(string[] args, CliContext context)
    {
        // Global options may come before the command name.
        var start = 0;
        string? verbosity = null;
        while (start < args.Length && args[start].StartsWith('-'))
        {
            switch (args[start])
            {
                case "--version":
                    context.Stdout.WriteLine($"imagegate {HelpWriter.Version}");
                    return ExitCodes.Ok;
                case "--help" or "-h":
                    HelpWriter.WriteTopLevel(context.Stdout, CommandRegistry.Commands);
                    return ExitCodes.Ok;
                case "--verbosity" or "-v" when start + 1 < args.Length:
                    verbosity = args[start + 1];
                    start += 2;
                    continue;
                case "--verbosity" or "-v":
                    throw new UsageException("option '--verbosity' needs a value (LEVEL)");
                default:
                    if (args[start].StartsWith("--verbosity=", StringComparison.Ordinal))
                    {
                        verbosity = args[start]["--verbosity=".Length..];
                        start++;
                        continue;
                    }
                    throw new UsageException($"unknown option '{args[start]}'; run 'imagegate --help' for usage");
            }
        }
        if (start >= args.Length)
        {
            HelpWriter.WriteTopLevel(context.Stderr, CommandRegistry.Commands);
            return ExitCodes.UsageOrInputError;
        }
        var rest = args[start..];
        var found = CommandRegistry.Find(rest)
            ?? throw new UsageException($"unknown command '{rest[0]}'; commands: {string.Join(", ", CommandRegistry.Names)}");
        var command = found.Command;
        var commandArgs = rest[found.Words..];
        if (commandArgs.Contains("--help") || commandArgs.Contains("-h"))
        {
            HelpWriter.WriteCommand(context.Stdout, command);
            return ExitCodes.Ok;
        }
        ParsedArguments parsed;
        try
        {
            parsed = ArgumentParser.Parse(commandArgs, [.. command.Options, .. HelpWriter.GlobalOptions], command.Positionals, "imagegate " + command.Name);
        }
        catch (UsageException e)
        {
            throw new UsageException($"{e.Message}; run 'imagegate {command.Name} --help' for usage");
        }
        var level = parsed.Has("--verbosity") ? parsed.Value("--verbosity") : verbosity;
        if (level is not null && !Verbosity.Names.Contains(level))
        {
            throw new UsageException($"option '--verbosity' does not accept '{level}'; use one of: {string.Join(", ", Verbosity.Names)}");
        }
        context.Logging = new CliLogging(Verbosity.ToLogLevel(level), context.Stderr);
        context.VerbosityGiven = level is not null;
        try
        {
            return command.ExecuteAsync(parsed, context).GetAwaiter().GetResult();
        }
        catch (ManifestException e)
        {
            context.WriteError(e.Reason, e.Location);
            return ExitCodes.ForException(e);
        }
        catch (Exception e) when (e is not UsageException)
        {
            // Never a stack trace for the user; the details go to the diagnostic log.
            context.WriteError($"internal error in '{command.Name}': {e.Message}");
            context.Logging.CreateLogger("imagegate").LogDebugException(e);
            return ExitCodes.ForException(e);
        }
    }
}

internal static class LoggerExtensions
{
    public static void LogDebugException(this Microsoft.Extensions.Logging.ILogger logger, Exception e) =>
        Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(logger, "{Details}", e.ToString());
}
