namespace ImageGate.Cli.Framework;

/// <summary>An option a command accepts.</summary>
/// <param name="Name">The long name with dashes, e.g. <c>--exclude</c>.</param>
/// <param name="Description">One line for the help text.</param>
/// <param name="ValueName">The placeholder of its value (e.g. <c>GLOB</c>), or null for a flag without value.</param>
/// <param name="ShortName">An optional short alias, e.g. <c>-o</c>.</param>
/// <param name="Repeatable">Whether it may be given more than once.</param>
/// <param name="AllowedValues">When set, the only values accepted.</param>
/// <param name="Default">The value used when the option is absent (shown in help).</param>
public sealed record OptionSpec(
    string Name,
    string Description,
    string? ValueName = null,
    string? ShortName = null,
    bool Repeatable = false,
    IReadOnlyList<string>? AllowedValues = null,
    string? Default = null)
{
    /// <summary>True when the option takes a value.</summary>
    public bool TakesValue => ValueName is not null;
}

/// <summary>The positional arguments a command accepts.</summary>
/// <param name="Name">Placeholder for help, e.g. <c>PATH</c>.</param>
/// <param name="Description">One line for the help text.</param>
/// <param name="Min">Fewest accepted.</param>
/// <param name="Max">Most accepted.</param>
public sealed record PositionalSpec(string Name, string Description, int Min = 0, int Max = int.MaxValue)
{
    /// <summary>No positional arguments.</summary>
    public static PositionalSpec None { get; } = new("", "", 0, 0);
}
