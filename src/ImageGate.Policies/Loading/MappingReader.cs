using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Loading;

/// <summary>Reads one YAML mapping against a schema written as code: each field is taken by name and checked
/// for type; <see cref="Finish"/> reports the fields nobody took as unknown.</summary>
internal sealed class MappingReader
{
    private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> taken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FieldLocation> fields = new(StringComparer.Ordinal);

    public MappingReader(LoadContext context, YamlMappingNode node, string path)
    {
        Context = context;
        Node = node;
        Path = path;
        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode { Value: { } name })
            {
                entries[name] = (key, value);
            }
            else
            {
                context.Error(DiagnosticCodes.Type, path, key, "field names must be strings");
            }
        }
    }

    public LoadContext Context { get; }

    public YamlMappingNode Node { get; }

    public string Path { get; }

    public SourceSpan Span => Context.SpanOf(Node);

    /// <summary>Locations of the fields taken so far, keyed by model field name.</summary>
    public IReadOnlyDictionary<string, FieldLocation> Fields => fields.AsReadOnly();

    public string ChildPath(string key) => FieldPath.Child(Path, key);

    /// <summary>The span of a written key, or of the mapping when the key is absent.</summary>
    public SourceSpan KeySpan(string key) => entries.TryGetValue(key, out var e) ? Context.SpanOf(e.Key) : Span;

    /// <summary>True when the key is written with a non-null value.</summary>
    public bool Has(string key) => entries.TryGetValue(key, out var e) && !YamlScalars.IsNull(e.Value);

    /// <summary>Takes a field; null when absent or null. <paramref name="modelName"/> names it in <see cref="Fields"/>.</summary>
    public YamlNode? Take(string key, string? modelName = null)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return null;
        }
        taken.Add(key);
        if (YamlScalars.IsNull(entry.Value) || !Context.CountNode(entry.Value))
        {
            return null;
        }
        fields[modelName ?? key] = new FieldLocation(ChildPath(key), Context.SpanOf(entry.Value));
        return entry.Value;
    }

    /// <summary>Takes a field that only the seed-era (v1alpha1) schema defines.</summary>
    public YamlNode? TakeSeedEra(string key, string currentSpelling, string? modelName = null)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return null;
        }
        if (!Context.SeedEraAllowed)
        {
            taken.Add(key);
            Context.Error(DiagnosticCodes.UnknownField, ChildPath(key), entry.Key,
                $"unknown field \"{key}\": this seed-era spelling is accepted only in policies.kyverno.io/v1alpha1; use {currentSpelling}");
            return null;
        }
        Context.UsedSeedEra = true;
        return Take(key, modelName);
    }

    /// <summary>Marks a field as allowed without reading it (free-form content such as <c>status</c>).</summary>
    public void Ignore(string key) => taken.Add(key);

    public void Require(string key)
    {
        if (!Has(key))
        {
            Missing(key);
        }
    }

    public void Missing(string key) =>
        Context.Error(DiagnosticCodes.Required, ChildPath(key), Node, $"missing required field \"{key}\"");

    public string? String(string key, string? modelName = null, bool rewrite = true)
    {
        var node = Take(key, modelName);
        return node is null ? null : AsString(node, ChildPath(key), rewrite);
    }

    public string RequiredString(string key)
    {
        Require(key);
        return String(key) ?? "";
    }

    public bool? Boolean(string key, string? modelName = null)
    {
        var node = Take(key, modelName);
        return node is null ? null : AsBoolean(node, ChildPath(key));
    }

    public bool? AsBoolean(YamlNode node, string path)
    {
        if (node is YamlScalarNode s && YamlScalars.TypeOf(s) == ScalarType.Boolean && YamlScalars.TryBoolean(s.Value!, out var b))
        {
            return b;
        }
        TypeError(node, path, "a boolean");
        return null;
    }

    public int? Int32(string key)
    {
        var node = Take(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode s && YamlScalars.TypeOf(s) == ScalarType.Integer && int.TryParse(s.Value, out var i))
        {
            return i;
        }
        TypeError(node, ChildPath(key), "a 32-bit integer");
        return null;
    }

    public MappingReader? Object(string key, string? modelName = null) => AsObject(Take(key, modelName), ChildPath(key));

    public MappingReader? SeedEraObject(string key, string currentSpelling, string? modelName = null) =>
        AsObject(TakeSeedEra(key, currentSpelling, modelName), ChildPath(key));

    /// <summary>Items of a list field with their paths; empty when absent.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> List(string key, string? modelName = null) =>
        AsList(Take(key, modelName), ChildPath(key));

    public IReadOnlyList<(YamlNode Node, string Path)> AsList(YamlNode? node, string path)
    {
        if (node is null)
        {
            return [];
        }
        if (node is not YamlSequenceNode sequence)
        {
            TypeError(node, path, "a list");
            return [];
        }
        var items = new List<(YamlNode, string)>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (!Context.CountNode(sequence.Children[i]))
            {
                break;
            }
            items.Add((sequence.Children[i], FieldPath.Index(path, i)));
        }
        return items.AsReadOnly();
    }

    public IReadOnlyList<string> StringList(string key, string? modelName = null)
    {
        var result = new List<string>();
        foreach (var (node, path) in List(key, modelName))
        {
            if (AsString(node, path, rewrite: true) is { } s)
            {
                result.Add(s);
            }
        }
        return result.AsReadOnly();
    }

    public IReadOnlyDictionary<string, string> StringMap(string key, string? modelName = null)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var node = Take(key, modelName);
        if (node is null)
        {
            return result.AsReadOnly();
        }
        if (node is not YamlMappingNode map)
        {
            TypeError(node, ChildPath(key), "an object of strings");
            return result.AsReadOnly();
        }
        foreach (var (k, v) in map.Children)
        {
            if (!Context.CountNode(v))
            {
                break;
            }
            var name = (k as YamlScalarNode)?.Value ?? "";
            var path = ChildPath(key) + "." + name;
            if (AsString(v, path, rewrite: true) is { } s)
            {
                result[Context.Rewrite(name)] = s;
            }
        }
        return result.AsReadOnly();
    }

    public CelExpression? Expression(string key, string? modelName = null)
    {
        var node = Take(key, modelName);
        return node is null ? null : AsExpression(node, ChildPath(key));
    }

    public CelExpression? SeedEraExpression(string key, string currentSpelling, string? modelName = null)
    {
        var node = TakeSeedEra(key, currentSpelling, modelName);
        return node is null ? null : AsExpression(node, ChildPath(key));
    }

    public CelExpression RequiredExpression(string key)
    {
        Require(key);
        return Expression(key) ?? new CelExpression("") { Path = ChildPath(key), Span = Span };
    }

    public CelExpression? AsExpression(YamlNode node, string path)
    {
        var text = AsString(node, path, rewrite: true);
        if (text is null)
        {
            return null;
        }
        var style = node is YamlScalarNode s ? YamlScalars.StyleOf(s) : ScalarStyle.Plain;
        return new CelExpression(text) { Path = path, Span = Context.SpanOf(node), Style = style };
    }

    /// <summary>Reads an enum field; values outside <paramref name="allowed"/> are errors.</summary>
    public T? Enum<T>(string key, IReadOnlyDictionary<string, T> allowed) where T : struct
    {
        var node = Take(key);
        return node is null ? null : AsEnum(node, ChildPath(key), allowed);
    }

    public T? AsEnum<T>(YamlNode node, string path, IReadOnlyDictionary<string, T> allowed) where T : struct
    {
        var text = AsString(node, path, rewrite: false);
        if (text is null)
        {
            return null;
        }
        if (allowed.TryGetValue(text, out var value))
        {
            return value;
        }
        Context.Error(DiagnosticCodes.Enum, path, node,
            $"unsupported value \"{text}\": supported values: {string.Join(", ", allowed.Keys.Select(k => $"\"{k}\""))}");
        return null;
    }

    /// <summary>Reads a string that must be one of <paramref name="allowed"/>.</summary>
    public string? Choice(string key, IReadOnlyCollection<string> allowed)
    {
        var node = Take(key);
        return node is null ? null : AsChoice(node, ChildPath(key), allowed);
    }

    public string? AsChoice(YamlNode node, string path, IReadOnlyCollection<string> allowed)
    {
        var text = AsString(node, path, rewrite: false);
        if (text is null || allowed.Contains(text))
        {
            return text;
        }
        Context.Error(DiagnosticCodes.Enum, path, node,
            $"unsupported value \"{text}\": supported values: {string.Join(", ", allowed.Select(k => $"\"{k}\""))}");
        return null;
    }

    public string? AsString(YamlNode node, string path, bool rewrite)
    {
        if (node is YamlScalarNode s && YamlScalars.TypeOf(s) == ScalarType.String)
        {
            var value = s.Value ?? "";
            return rewrite ? Context.Rewrite(value) : value;
        }
        if (node is YamlScalarNode n && YamlScalars.TypeOf(n) == ScalarType.Null)
        {
            return null;
        }
        TypeError(node, path, "a string");
        return null;
    }

    public MappingReader? AsObject(YamlNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        if (node is YamlMappingNode map)
        {
            return new MappingReader(Context, map, path);
        }
        TypeError(node, path, "an object");
        return null;
    }

    public void TypeError(YamlNode node, string path, string expected)
    {
        var hint = node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } && expected == "a string"
            ? " (quote the value to make it a string)"
            : "";
        Context.Error(DiagnosticCodes.Type, path, node, $"expected {expected}, got {YamlScalars.Describe(node)}{hint}");
    }

    /// <summary>Reports every field that was not taken as unknown and returns the field locations.</summary>
    public IReadOnlyDictionary<string, FieldLocation> Finish()
    {
        foreach (var (name, entry) in entries)
        {
            if (!taken.Contains(name))
            {
                Context.Error(DiagnosticCodes.UnknownField, ChildPath(name), entry.Key, $"unknown field \"{name}\"");
            }
        }
        return fields.AsReadOnly();
    }
}
