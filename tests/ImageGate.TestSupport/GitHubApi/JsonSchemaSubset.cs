using System.Globalization;
using System.Text.Json;

namespace ImageGate.TestSupport.GitHubApi;

/// <summary>Validates JSON against the subset of JSON Schema (OpenAPI 3.0 flavour) that GitHub's request and response
/// schemas use: <c>$ref</c>, <c>type</c>, <c>nullable</c>, <c>properties</c>, <c>required</c>, <c>additionalProperties</c>,
/// <c>enum</c>, <c>items</c>, <c>minItems</c>/<c>maxItems</c>, <c>minLength</c>/<c>maxLength</c>, <c>minimum</c>/<c>maximum</c>,
/// <c>oneOf</c>, <c>anyOf</c>, <c>allOf</c> and the <c>date-time</c> format. Any other keyword is reported as unsupported
/// rather than ignored, so a schema the subset cannot judge never passes silently.</summary>
public sealed class JsonSchemaSubset(JsonElement document)
{
    private const int MaxDepth = 64;

    private static readonly HashSet<string> Annotations =
    [
        "description", "title", "default", "example", "examples", "readOnly", "writeOnly", "deprecated", "externalDocs",
        "format", "pattern", // pattern: GitHub's patterns are documentation (ECMA regex); the stub does not run them
    ];

    /// <summary>When set, an object schema with <c>type: object</c> and <c>properties</c> but no <c>additionalProperties</c>
    /// rejects undeclared properties. Stricter than JSON Schema, on purpose: GitHub ignores unknown fields, so a
    /// misspelt field would otherwise go unnoticed.</summary>
    public bool RejectUndeclaredProperties { get; init; }

    /// <summary>Appends one message per violation, each naming the JSON pointer of the offending value.</summary>
    public void Validate(JsonElement instance, JsonElement schema, string pointer, List<string> errors) =>
        Check(instance, schema, pointer, errors, 0);

    /// <summary>Follows a local <c>$ref</c> (<c>#/components/...</c>) to the element it names.</summary>
    public JsonElement Resolve(JsonElement element)
    {
        for (var hops = 0; hops < 16 && element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var r); hops++)
        {
            element = Pointer(r.GetString() ?? "");
        }
        return element;
    }

    private JsonElement Pointer(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"only local $ref values are supported: {reference}");
        }
        var node = document;
        foreach (var raw in reference[2..].Split('/'))
        {
            var name = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out node))
            {
                throw new InvalidDataException($"$ref {reference} does not resolve");
            }
        }
        return node;
    }

    private void Check(JsonElement value, JsonElement schema, string at, List<string> errors, int depth)
    {
        if (depth > MaxDepth)
        {
            errors.Add($"{at}: schema nesting deeper than {MaxDepth}");
            return;
        }
        schema = Resolve(schema);
        if (schema.ValueKind == JsonValueKind.True || (schema.ValueKind == JsonValueKind.Object && !schema.EnumerateObject().Any()))
        {
            return;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{at}: schema is not an object");
            return;
        }
        if (value.ValueKind == JsonValueKind.Null && schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
        {
            return;
        }
        foreach (var keyword in schema.EnumerateObject())
        {
            var k = keyword.Value;
            switch (keyword.Name)
            {
                case "type":
                    var types = k.ValueKind == JsonValueKind.Array ? k.EnumerateArray().Select(t => t.GetString()!).ToArray() : [k.GetString()!];
                    if (!types.Any(t => HasType(value, t)))
                    {
                        errors.Add($"{at}: expected {string.Join(" or ", types)}, got {Describe(value)}");
                        return;
                    }
                    break;
                case "enum":
                    if (!k.EnumerateArray().Any(e => JsonElement.DeepEquals(e, value)))
                    {
                        errors.Add($"{at}: {Describe(value)} is not one of {k.GetRawText()}");
                    }
                    break;
                case "required" when value.ValueKind == JsonValueKind.Object:
                    foreach (var name in k.EnumerateArray().Select(n => n.GetString()!))
                    {
                        if (!value.TryGetProperty(name, out _))
                        {
                            errors.Add($"{at}: required property '{name}' is missing");
                        }
                    }
                    break;
                case "properties" when value.ValueKind == JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        if (k.TryGetProperty(property.Name, out var propertySchema))
                        {
                            Check(property.Value, propertySchema, $"{at}/{property.Name}", errors, depth + 1);
                        }
                        else if (RejectUndeclaredProperties && !schema.TryGetProperty("additionalProperties", out _)
                                 && schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "object")
                        {
                            errors.Add($"{at}: property '{property.Name}' is not declared by the schema");
                        }
                    }
                    break;
                case "additionalProperties" when value.ValueKind == JsonValueKind.Object:
                    var declared = schema.TryGetProperty("properties", out var props) ? props : default;
                    foreach (var property in value.EnumerateObject())
                    {
                        if (declared.ValueKind == JsonValueKind.Object && declared.TryGetProperty(property.Name, out _))
                        {
                            continue;
                        }
                        if (k.ValueKind == JsonValueKind.False)
                        {
                            errors.Add($"{at}: additional property '{property.Name}' is not allowed");
                        }
                        else if (k.ValueKind == JsonValueKind.Object)
                        {
                            Check(property.Value, k, $"{at}/{property.Name}", errors, depth + 1);
                        }
                    }
                    break;
                case "items" when value.ValueKind == JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(item, k, $"{at}/{index++}", errors, depth + 1);
                    }
                    break;
                case "maxItems" when value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > k.GetInt32():
                    errors.Add($"{at}: {value.GetArrayLength()} items, at most {k.GetInt32()} allowed");
                    break;
                case "minItems" when value.ValueKind == JsonValueKind.Array && value.GetArrayLength() < k.GetInt32():
                    errors.Add($"{at}: {value.GetArrayLength()} items, at least {k.GetInt32()} required");
                    break;
                case "maxLength" when value.ValueKind == JsonValueKind.String && CodePoints(value.GetString()!) > k.GetInt32():
                    errors.Add($"{at}: string of {CodePoints(value.GetString()!)} characters, at most {k.GetInt32()} allowed");
                    break;
                case "minLength" when value.ValueKind == JsonValueKind.String && CodePoints(value.GetString()!) < k.GetInt32():
                    errors.Add($"{at}: string shorter than {k.GetInt32()} characters");
                    break;
                case "maximum" when value.ValueKind == JsonValueKind.Number && value.GetDouble() > k.GetDouble():
                    errors.Add($"{at}: {value.GetRawText()} is above the maximum {k.GetRawText()}");
                    break;
                case "minimum" when value.ValueKind == JsonValueKind.Number && value.GetDouble() < k.GetDouble():
                    errors.Add($"{at}: {value.GetRawText()} is below the minimum {k.GetRawText()}");
                    break;
                case "allOf":
                    foreach (var sub in k.EnumerateArray())
                    {
                        Check(value, sub, at, errors, depth + 1);
                    }
                    break;
                case "anyOf":
                case "oneOf":
                    var branchErrors = new List<List<string>>();
                    foreach (var sub in k.EnumerateArray())
                    {
                        var e = new List<string>();
                        Check(value, sub, at, e, depth + 1);
                        branchErrors.Add(e);
                    }
                    var matching = branchErrors.Count(e => e.Count == 0);
                    if (matching == 0)
                    {
                        errors.Add($"{at}: matches none of the {keyword.Name} branches ({string.Join(" | ", branchErrors.Select(e => string.Join("; ", e.Take(3))))})");
                    }
                    else if (keyword.Name == "oneOf" && matching > 1)
                    {
                        errors.Add($"{at}: matches {matching} oneOf branches, exactly one allowed");
                    }
                    break;
                case "required" or "properties" or "additionalProperties" or "items" or "maxItems" or "minItems"
                    or "maxLength" or "minLength" or "maximum" or "minimum" or "nullable":
                    break; // not applicable to this value's type, or already handled
                default:
                    if (keyword.Name == "format" && k.GetString() == "date-time" && value.ValueKind == JsonValueKind.String
                        && !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
                    {
                        errors.Add($"{at}: '{value.GetString()}' is not a date-time");
                    }
                    else if (!Annotations.Contains(keyword.Name) && !keyword.Name.StartsWith("x-", StringComparison.Ordinal))
                    {
                        errors.Add($"{at}: schema keyword '{keyword.Name}' is not supported by the stub's validator");
                    }
                    break;
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d == decimal.Truncate(d),
        _ => false,
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number " + value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static int CodePoints(string s) => s.Length - s.Count(char.IsLowSurrogate);
}
