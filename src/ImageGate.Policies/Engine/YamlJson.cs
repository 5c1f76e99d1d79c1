using System.Globalization;
using System.Text.Json.Nodes;
using ImageGate.Policies.Loading;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Engine;

/// <summary>Converts a YAML document to JSON the way Kubernetes reads manifests (the scalar typing of the
/// policy loader), with bounds on depth and node count so aliases cannot
/// blow up the copy.</summary>
public static class YamlJson
{
    private const int MaxDepth = 200;
    private const int MaxNodes = 1_000_000;

    /// <summary>Converts a node; throws <see cref="FormatException"/> naming the line when a bound is exceeded.</summary>
    public static JsonNode? Convert(YamlNode node)
    {
        var budget = MaxNodes;
        return Convert(node, 0, ref budget);
    }

    private static JsonNode? Convert(YamlNode node, int depth, ref int budget)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"line {node.Start.Line}: document nests deeper than {MaxDepth} levels");
        }
        if (--budget < 0)
        {
            throw new FormatException($"line {node.Start.Line}: document has more than {MaxNodes} nodes after alias expansion");
        }
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode s ? s.Value ?? "" : throw new FormatException($"line {key.Start.Line}: mapping keys must be scalars");
                    obj[name] = Convert(value, depth + 1, ref budget);
                }
                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children)
                {
                    arr.Add(Convert(item, depth + 1, ref budget));
                }
                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    /// <summary>The JSON value of a scalar, typed as the policy loader types it (YAML 1.1, as Kubernetes
    /// converts manifests: <c>yes</c> is a boolean, <c>0x1F</c> an integer).</summary>
    public static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var clean = text.Replace("_", "", StringComparison.Ordinal);
        switch (YamlScalars.TypeOf(scalar))
        {
            case ScalarType.Null:
                return null;
            case ScalarType.Boolean:
                return JsonValue.Create(YamlScalars.TryBoolean(text, out var b) ? b : text is "true" or "True" or "TRUE");
            case ScalarType.Integer when TryInteger(clean, out var l):
                return JsonValue.Create(l);
            case ScalarType.Float when TryFloat(clean, out var d):
                return JsonValue.Create(d);
            default:
                return JsonValue.Create(text);
        }
    }

    private static bool TryInteger(string text, out long value)
    {
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('-', '+');
        var (radix, body) = digits switch
        {
            _ when digits.StartsWith("0x", StringComparison.Ordinal) => (16, digits[2..]),
            _ when digits.StartsWith("0o", StringComparison.Ordinal) => (8, digits[2..]),
            _ when digits.StartsWith("0b", StringComparison.Ordinal) => (2, digits[2..]),
            _ when digits.Length > 1 && digits[0] == '0' => (8, digits[1..]),
            _ => (10, digits),
        };
        try
        {
            value = System.Convert.ToInt64(body, radix);
            value = negative ? -value : value;
            return true;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            value = 0;
            return false;
        }
    }

    private static bool TryFloat(string text, out double value)
    {
        value = text.TrimStart('+') switch
        {
            ".inf" or ".Inf" or ".INF" => double.PositiveInfinity,
            "-.inf" or "-.Inf" or "-.INF" => double.NegativeInfinity,
            ".nan" or ".NaN" or ".NAN" => double.NaN,
            var t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN,
        };
        return !double.IsNaN(value) || text.Contains("nan", StringComparison.OrdinalIgnoreCase);
    }
}
