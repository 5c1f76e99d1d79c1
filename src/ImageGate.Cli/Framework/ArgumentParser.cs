namespace ImageGate.Cli.Framework;

/// <summary>Parses a command's arguments against its option specs: <c>--name value</c>, <c>--name=value</c>,
/// <c>-o value</c>, flags, <c>--</c> to end options, and <c>-</c> as a positional (standard input).</summary>
public static class ArgumentParser
{
    /// <summary>Parses <paramref name="args"/> (the arguments after the command name). Throws
    /// <see cref="UsageException"/> on unknown options, missing or disallowed values and wrong positional counts.</summary>
    public static ParsedArguments Parse(IReadOnlyList<string> args, IReadOnlyList<OptionSpec> options, PositionalSpec positionals, string commandName)
    {
        var parsed = new ParsedArguments();
        foreach (var option in options)
        {
            parsed.SetDefault(option.Name, option.Default);
        }
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || arg == "-" || !arg.StartsWith('-'))
            {
                parsed.Positionals.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }
            string name = arg;
            string? inlineValue = null;
            var equals = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 2)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }
            var spec = options.FirstOrDefault(o => o.Name == name || o.ShortName == name)
                ?? throw new UsageException($"unknown option '{name}' for '{commandName}'{Suggest(name, options)}");
            if (!spec.TakesValue)
            {
                if (inlineValue is not null)
                {
                    throw new UsageException($"option '{spec.Name}' takes no value");
                }
                parsed.Add(spec.Name, "true");
                continue;
            }
            var value = inlineValue;
            if (value is null)
            {
                if (i + 1 >= args.Count || (args[i + 1].StartsWith('-') && args[i + 1] != "-"))
                {
                    throw new UsageException($"option '{spec.Name}' needs a value ({spec.ValueName})");
                }
                value = args[++i];
            }
            if (spec.AllowedValues is { } allowed && !allowed.Contains(value, StringComparer.Ordinal))
            {
                throw new UsageException($"option '{spec.Name}' does not accept '{value}'; use one of: {string.Join(", ", allowed)}");
            }
            if (!spec.Repeatable && parsed.Has(spec.Name))
            {
                throw new UsageException($"option '{spec.Name}' is given more than once");
            }
            parsed.Add(spec.Name, value);
        }
        if (parsed.Positionals.Count < positionals.Min)
        {
            throw new UsageException($"'{commandName}' needs at least {positionals.Min} {positionals.Name} argument{(positionals.Min == 1 ? "" : "s")}");
        }
        if (parsed.Positionals.Count > positionals.Max)
        {
            throw new UsageException(positionals.Max == 0
                ? $"'{commandName}' takes no arguments, got '{parsed.Positionals[0]}'"
                : $"'{commandName}' takes at most {positionals.Max} {positionals.Name} argument{(positionals.Max == 1 ? "" : "s")}");
        }
        return parsed;
    }

    private static string Suggest(string name, IReadOnlyList<OptionSpec> options)
    {
        var close = options.Select(o => o.Name).FirstOrDefault(o => o.Contains(name.TrimStart('-'), StringComparison.Ordinal) || name.Contains(o.TrimStart('-'), StringComparison.Ordinal));
        return close is null ? "" : $" (did you mean '{close}'?)";
    }
}
