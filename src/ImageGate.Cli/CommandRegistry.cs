using ImageGate.Cli.Commands;
using ImageGate.Cli.Framework;

namespace ImageGate.Cli;

/// <summary>Every command of <c>imagegate</c>. To add a command, write a <see cref="Command"/> subclass in
/// Commands/ and add one line here; help, parsing and exit codes come for free.</summary>
public static class CommandRegistry
{
    // Each command is created only when it runs or help lists it: a command's options and defaults may load other
    // assemblies (scan loads the CI inputs and publishers), which a short run of another command should not pay for.
    private static readonly Entry[] Entries =
    [
        new("images", () => new ImagesCommand()),
        new("apply", () => new ApplyCommand()),
        new("scan", () => new ScanCommand(Scan.ScanPublishers.Create)),
        new("test", () => new TestCommand()),
        new("validate", () => new ValidateCommand()),
        new("cel eval", () => new CelEvalCommand()),
        new("verify-bundle", () => new VerifyBundleCommand()),
    ];

    private static readonly Lazy<IReadOnlyList<Command>> All = new(() => Array.ConvertAll(Entries, e => e.Create()));

    /// <summary>The commands, in the order the help lists them.</summary>
    public static IReadOnlyList<Command> Commands => All.Value;

    /// <summary>The names of the commands, in the order the help lists them (without creating the commands).</summary>
    public static IEnumerable<string> Names => Entries.Select(e => e.Name);

    /// <summary>The command named by the leading words of <paramref name="args"/> (longest match), and how many
    /// words its name took; null when none matches.</summary>
    public static (Command Command, int Words)? Find(IReadOnlyList<string> args)
    {
        Entry? best = null;
        var bestWords = 0;
        foreach (var entry in Entries)
        {
            var words = entry.Name.Split(' ');
            if (words.Length > args.Count || words.Length <= bestWords)
            {
                continue;
            }
            var matches = true;
            for (var i = 0; i < words.Length && matches; i++)
            {
                matches = args[i] == words[i];
            }
            if (matches)
            {
                best = entry;
                bestWords = words.Length;
            }
        }
        return best is null ? null : (best.Create(), bestWords);
    }

    private sealed record Entry(string Name, Func<Command> Create);
}
