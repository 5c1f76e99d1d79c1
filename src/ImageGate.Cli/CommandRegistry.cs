using ImageGate.Cli.Commands;
using ImageGate.Cli.Framework;

namespace ImageGate.Cli;

/// <summary>Every command of <c>imagegate</c>. To add a command, write a <see cref="Command"/> subclass in
/// Commands/ and add one line here; help, parsing and exit codes come for free.</summary>
public static class CommandRegistry
{
    /// <summary>The commands, in the order the help lists them.</summary>
    public static IReadOnlyList<Command> Commands { get; } =
    [
        new ImagesCommand(),
        new ApplyCommand(),
        new ScanCommand(Scan.ScanPublishers.Create),
        new TestCommand(),
        new ValidateCommand(),
        new CelEvalCommand(),
        new VerifyBundleCommand(),
    ];

    /// <summary>The command named by the leading words of <paramref name="args"/> (longest match), and how many
    /// words its name took; null when none matches.</summary>
    public static (Command Command, int Words)? Find(IReadOnlyList<string> args)
    {
        (Command, int)? best = null;
        foreach (var command in Commands)
        {
            var words = command.Name.Split(' ');
            if (words.Length <= args.Count && words.Select((w, i) => args[i] == w).All(x => x) && (best is null || words.Length > best.Value.Item2))
            {
                best = (command, words.Length);
            }
        }
        return best;
    }
}
