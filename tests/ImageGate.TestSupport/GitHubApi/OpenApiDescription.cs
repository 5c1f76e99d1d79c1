using System.Collections.Concurrent;
using System.Text.Json;

namespace ImageGate.TestSupport.GitHubApi;

/// <summary>An operation of the description matched to a request: its id, path template and path parameter values.</summary>
public sealed record OpenApiOperation(string Method, string Template, string OperationId, JsonElement Operation, JsonElement PathItem,
    IReadOnlyDictionary<string, string> PathValues);

/// <summary>GitHub's REST API description from npm <c>@octokit/openapi</c> (installed by <c>tests/setup.d/60-github-openapi.sh</c>):
/// finds the operation of a request and validates its parameters and body.</summary>
public sealed class OpenApiDescription
{
    /// <summary>The description of api.github.com and ghe.com.</summary>
    public const string DotCom = "api.github.com.json";

    /// <summary>The newest GitHub Enterprise Server description in the package.</summary>
    public const string EnterpriseServer = "ghes-3.19.json";

    private static readonly ConcurrentDictionary<string, Lazy<OpenApiDescription>> Loaded = new();
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    private readonly List<(string Method, string[] Segments, string Template, JsonElement Operation, JsonElement PathItem)> _operations = [];

    private OpenApiDescription(JsonDocument document, string name)
    {
        Name = name;
        Root = document.RootElement;
        Schemas = new JsonSchemaSubset(Root);
        RequestSchemas = new JsonSchemaSubset(Root) { RejectUndeclaredProperties = true };
        foreach (var path in Root.GetProperty("paths").EnumerateObject())
        {
            var segments = path.Name.Trim('/').Split('/');
            foreach (var method in Methods)
            {
                if (path.Value.TryGetProperty(method, out var operation))
                {
                    _operations.Add((method.ToUpperInvariant(), segments, path.Name, operation, path.Value));
                }
            }
        }
    }

    /// <summary>File name of the description, e.g. <c>api.github.com.json</c>.</summary>
    public string Name { get; }

    /// <summary>The description's <c>info.version</c>.</summary>
    public string Version => Root.GetProperty("info").GetProperty("version").GetString() ?? "";

    /// <summary>Number of operations in the description.</summary>
    public int OperationCount => _operations.Count;

    /// <summary>The whole document.</summary>
    public JsonElement Root { get; }

    /// <summary>Validator for responses (plain JSON Schema semantics).</summary>
    public JsonSchemaSubset Schemas { get; }

    /// <summary>Validator for request bodies: undeclared properties are errors.</summary>
    public JsonSchemaSubset RequestSchemas { get; }

    /// <summary>Folder the package installs the descriptions into.</summary>
    public static string Folder => RepoPaths.Combine("tests", "fixtures", "github-openapi", "node_modules", "@octokit", "openapi", "generated");

    /// <summary>Loads (once per process) a description file from the installed package.</summary>
    /// <exception cref="InvalidOperationException">The package is not installed; the message says how to install it.</exception>
    public static OpenApiDescription Load(string name = DotCom) => Loaded.GetOrAdd(name, n => new Lazy<OpenApiDescription>(() =>
    {
        var file = Path.Combine(Folder, n);
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"GitHub's OpenAPI description {file} is missing: run `bash tests/setup.sh` (tests/setup.d/60-github-openapi.sh)");
        }
        using var stream = File.OpenRead(file);
        return new OpenApiDescription(JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 }), n);
    })).Value;

    /// <summary>The operation for <paramref name="method"/> and a path (no prefix, no query), preferring the template with the most literal segments.</summary>
    public OpenApiOperation? Match(string method, string path)
    {
        var parts = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        OpenApiOperation? best = null;
        var bestLiterals = -1;
        foreach (var (m, segments, template, operation, pathItem) in _operations)
        {
            if (m != method || segments.Length != parts.Length)
            {
                continue;
            }
            var values = new Dictionary<string, string>();
            var literals = 0;
            var ok = true;
            for (var i = 0; i < segments.Length && ok; i++)
            {
                if (segments[i].StartsWith('{') && segments[i].EndsWith('}'))
                {
                    values[segments[i][1..^1]] = parts[i];
                    ok = parts[i].Length > 0;
                }
                else
                {
                    ok = segments[i] == parts[i];
                    literals++;
                }
            }
            if (ok && literals > bestLiterals)
            {
                bestLiterals = literals;
                var id = operation.TryGetProperty("operationId", out var oid) ? oid.GetString() ?? "" : "";
                best = new OpenApiOperation(m, template, id, operation, pathItem, values);
            }
        }
        return best;
    }

    /// <summary>Checks path and query parameters against the operation's parameter list; unknown query parameters are errors.</summary>
    public void ValidateParameters(OpenApiOperation op, ILookup<string, string> query, List<string> errors)
    {
        var parameters = new List<JsonElement>();
        foreach (var holder in new[] { op.PathItem, op.Operation })
        {
            if (holder.TryGetProperty("parameters", out var list))
            {
                parameters.AddRange(list.EnumerateArray().Select(Schemas.Resolve));
            }
        }
        var known = new HashSet<string>();
        foreach (var p in parameters)
        {
            var name = p.GetProperty("name").GetString()!;
            var location = p.GetProperty("in").GetString();
            var required = p.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
            string? value = null;
            if (location == "path")
            {
                value = op.PathValues.TryGetValue(name, out var v) ? v : null;
            }
            else if (location == "query")
            {
                known.Add(name);
                value = query[name].FirstOrDefault();
            }
            else
            {
                continue; // header and cookie parameters: GitHub's operations here declare none that are required
            }
            if (value is null)
            {
                if (required)
                {
                    errors.Add($"{op.OperationId}: required {location} parameter '{name}' is missing");
                }
                continue;
            }
            if (p.TryGetProperty("schema", out var schema))
            {
                CheckScalar(op.OperationId, location!, name, value, Schemas.Resolve(schema), errors);
            }
        }
        foreach (var unknown in query.Select(g => g.Key).Where(k => !known.Contains(k)))
        {
            errors.Add($"{op.OperationId}: query parameter '{unknown}' is not declared");
        }
    }

    private static void CheckScalar(string operation, string location, string name, string value, JsonElement schema, List<string> errors)
    {
        var type = schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var ok = type switch
        {
            "integer" => long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _),
            "boolean" => value is "true" or "false",
            _ => true,
        };
        if (ok && schema.TryGetProperty("enum", out var values))
        {
            ok = values.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == value);
        }
        if (!ok)
        {
            errors.Add($"{operation}: {location} parameter '{name}' = '{value}' does not fit its schema {schema.GetRawText()}");
        }
    }
}
