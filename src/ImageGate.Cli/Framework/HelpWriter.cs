using System.Reflection;

namespace ImageGate.Cli.Framework;

/// <summary>Writes the top-level and per-command help.</summary>
public static class HelpWriter
{
    /// <summary>Options every command accepts.</summary>
    public static IReadOnlyList<OptionSpec> GlobalOptions { get; } =
    [
        new("--verbosity", "how much to log on standard error", "LEVEL", "-v", AllowedValues: Verbosity.Names, Default: "normal"),
        new("--help", "show help for the command", null, "-h"),
    ];

    /// <summary>The version of this build.</summary>
    public static string Version =>
        typeof(HelpWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(HelpWriter).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>Writes the list of commands.</summary>
    public static void WriteTopLevel(TextWriter writer, IReadOnlyList<Command> commands)
    {
        writer.WriteLine($"imagegate {Version}: checks container images in Kubernetes manifests against Kyverno image policies.");
        writer.WriteLine();
        writer.WriteLine("Usage: imagegate COMMAND [ARGS] [OPTIONS]");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        var width = commands.Count == 0 ? 0 : commands.Max(c => c.Name.Length);
        foreach (var command in commands)
        {
            writer.WriteLine($"  {command.Name.PadRight(width)}  {command.Summary}");
        }
        writer.WriteLine();
        writer.WriteLine("Options:");
        writer.WriteLine("  --version               print the version");
        WriteOptions(writer, GlobalOptions);
        writer.WriteLine();
        writer.WriteLine("Exit codes: 0 nothing blocking, 1 a blocking finding, 2 a usage or input error.");
        writer.WriteLine("Run 'imagegate COMMAND --help' for a command's options.");
    }

    /// <summary>Writes the help of one command.</summary>
    public static void WriteCommand(TextWriter writer, Command command)
    {
        var positional = command.Positionals;
        var usage = $"imagegate {command.Name}";
        if (positional.Max > 0)
        {
            var name = positional.Max > 1 ? positional.Name + "..." : positional.Name;
            usage += positional.Min > 0 ? $" {name}" : $" [{name}]";
        }
        writer.WriteLine($"Usage: {usage} [OPTIONS]");
        writer.WriteLine();
        writer.WriteLine(command.Summary);
        if (command.Description is { } description)
        {
            writer.WriteLine();
            writer.WriteLine(description);
        }
        if (positional.Max > 0)
        {
            writer.WriteLine();
            writer.WriteLine("Arguments:");
            writer.WriteLine($"  {positional.Name,-22}  {positional.Description}");
        }
        writer.WriteLine();
        writer.WriteLine("Options:");
        WriteOptions(writer, command.Options);
        WriteOptions(writer, GlobalOptions);
    }

    private static void WriteOptions(TextWriter writer, IReadOnlyList<OptionSpec> options)
    {
        foreach (var option in options)
        {
            var names = option.ShortName is null ? option.Name : $"{option.ShortName}, {option.Name}";
            if (option.TakesValue)
            {
                names += " " + (option.AllowedValues is { } allowed ? string.Join('|', allowed) : option.ValueName);
            }
            var text = option.Description;
            if (option.Repeatable)
            {
                text += " (repeatable)";
            }
            if (option.Default is not null)
            {
                text += $" (default: {option.Default})";
            }
            writer.WriteLine(names.Length <= 22 ? $"  {names,-22}  {text}" : $"  {names}\n  {"",-22}  {text}");
        }
    }
}
