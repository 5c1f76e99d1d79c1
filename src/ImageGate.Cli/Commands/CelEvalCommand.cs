using System.Text.Json;
using System.Text.Json.Nodes;
using ImageGate.Cel;
using ImageGate.Cli.Framework;
using ImageGate.Policies.Kyverno;

namespace ImageGate.Cli.Commands;

/// <summary><c>imagegate cel eval --expr EXPR</c>: evaluates one CEL expression, to debug policy
/// expressions. Prints the value as JSON (exit 0), or the error with line:column and a caret (exit 1
/// for an evaluation error, 2 when the expression does not parse or type-check).</summary>
public sealed class CelEvalCommand : Command
{
    /// <inheritdoc />
    public override string Name => "cel eval";

    /// <inheritdoc />
    public override string Summary => "evaluate a CEL expression (to debug policy expressions)";

    /// <inheritdoc />
    public override string? Description =>
        "The expression sees `object` (from --object) and every top-level key of --vars as a variable, plus\n" +
        "the standard and extension libraries and Kyverno's pure functions (parseImageReference, sha256, ...).";

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--expr", "the CEL expression", "EXPR", "-e"),
        new("--object", "YAML or JSON document bound to `object`", "FILE"),
        new("--vars", "YAML or JSON map; each key becomes a variable", "FILE"),
    ];

    /// <inheritdoc />
    public override int Execute(ParsedArguments args, CliContext context)
    {
        var expression = args.Value("--expr") ?? throw new UsageException("cel eval needs --expr EXPR");
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in KyvernoCelLibrary.PureVariables())
        {
            variables[pair.Key] = pair.Value;
        }
        if (args.Value("--object") is { } objectFile)
        {
            variables["object"] = ReadDocument(objectFile, context);
        }
        if (args.Value("--vars") is { } varsFile)
        {
            if (ReadDocument(varsFile, context) is not JsonObject vars)
            {
                throw new UsageException($"{varsFile}: --vars must be a map of variable names to values");
            }
            foreach (var (name, node) in vars)
            {
                variables[name] = (object?)node ?? CelNull.Value;
            }
        }

        var env = new CelEnvironment();
        KyvernoCelLibrary.RegisterPure(env);
        foreach (var name in variables.Keys.Where(n => n is not ("json" or "yaml")))
        {
            env.DeclareVariable(name, CelType.Dyn);
        }
        var compiled = env.Compile(expression);
        if (!compiled.Success)
        {
            context.Stderr.WriteLine(compiled.ErrorText);
            return ExitCodes.UsageOrInputError;
        }
        var value = compiled.Program!.Evaluate(new Activation(variables));
        if (value is CelError error)
        {
            context.Stderr.WriteLine(compiled.Program.Locate(error)?.ToDisplayString() ?? $"ERROR: <input>: {error.Message}");
            return ExitCodes.Blocking;
        }
        context.Stdout.WriteLine(Values.ToJson(value)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null");
        return ExitCodes.Ok;
    }

    private static JsonNode? ReadDocument(string file, CliContext context)
    {
        var path = context.FullPath(file);
        if (!File.Exists(path))
        {
            throw new UsageException($"{file}: file not found");
        }
        var text = File.ReadAllText(path);
        try
        {
            var documents = Manifests.Yaml.YamlLoader.Load(text, file);
            return documents.Count == 0 ? null : Policies.Engine.YamlJson.Convert(documents[0].Root);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"{file}: {ex.Message}");
        }
    }
}
