namespace ImageGate.Cli.Framework;

/// <summary>A CLI command. Subclasses declare their name, options and positionals, and implement <see cref="Execute"/>;
/// parsing, <c>--help</c>, global options, error reporting and exit codes are handled for them.</summary>
public abstract class Command
{
    /// <summary>The name as typed; may be several words (e.g. <c>cel eval</c>).</summary>
    public abstract string Name { get; }

    /// <summary>One line for the command list.</summary>
    public abstract string Summary { get; }

    /// <summary>Longer help text shown under the usage line, or null.</summary>
    public virtual string? Description => null;

    /// <summary>The options this command accepts (global options are added automatically).</summary>
    public virtual IReadOnlyList<OptionSpec> Options => [];

    /// <summary>The positional arguments this command accepts.</summary>
    public virtual PositionalSpec Positionals => PositionalSpec.None;

    /// <summary>Runs the command and returns an exit code from <see cref="ExitCodes"/>. Throw
    /// <see cref="UsageException"/> or an input exception for bad input; it is reported and mapped to an exit code.
    /// Override this or <see cref="ExecuteAsync"/>.</summary>
    public virtual int Execute(ParsedArguments args, CliContext context) =>
        throw new NotImplementedException($"command '{Name}' overrides neither Execute nor ExecuteAsync");

    /// <summary>The asynchronous form, for commands that do I/O (registries, HTTP); runs <see cref="Execute"/> by default.</summary>
    public virtual Task<int> ExecuteAsync(ParsedArguments args, CliContext context) => Task.FromResult(Execute(args, context));
}
