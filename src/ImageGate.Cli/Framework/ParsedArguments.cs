namespace ImageGate.Cli.Framework;

/// <summary>A parsed command line: option values by long name, and positional arguments in order.</summary>
public sealed class ParsedArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _defaults = new(StringComparer.Ordinal);

    /// <summary>Positional arguments in the order given.</summary>
    public List<string> Positionals { get; } = [];

    internal void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }
        list.Add(value);
    }

    internal void SetDefault(string name, string? value) => _defaults[name] = value;

    /// <summary>True when the option (or flag) was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The option's value (the last one when repeated), its default, or null.</summary>
    public string? Value(string name) =>
        _values.TryGetValue(name, out var list) ? list[^1] : _defaults.GetValueOrDefault(name);

    /// <summary>Every value given for a repeatable option, in order.</summary>
    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];
}
