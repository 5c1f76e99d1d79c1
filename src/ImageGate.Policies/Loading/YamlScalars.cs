using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Loading;

/// <summary>The JSON type a YAML scalar becomes when Kubernetes converts YAML to JSON (YAML 1.1 resolution,
/// as sigs.k8s.io/yaml does): a plain <c>true</c> or <c>yes</c> is a boolean, <c>10</c> an integer.</summary>
internal enum ScalarType
{
    Null,
    Boolean,
    Integer,
    Float,
    String,
}

internal static partial class YamlScalars
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    public static ScalarType TypeOf(YamlScalarNode scalar)
    {
        var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
        if (tag is not null && tag.StartsWith(TagPrefix, StringComparison.Ordinal))
        {
            return tag[TagPrefix.Length..] switch
            {
                "str" or "binary" or "timestamp" => ScalarType.String,
                "bool" => ScalarType.Boolean,
                "int" => ScalarType.Integer,
                "float" => ScalarType.Float,
                "null" => ScalarType.Null,
                _ => ScalarType.String,
            };
        }
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain && scalar.Style != YamlDotNet.Core.ScalarStyle.Any)
        {
            return ScalarType.String;
        }
        var value = scalar.Value ?? "";
        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return ScalarType.Null;
        }
        if (TryBoolean(value, out _))
        {
            return ScalarType.Boolean;
        }
        if (IntegerPattern().IsMatch(value))
        {
            return ScalarType.Integer;
        }
        if (FloatPattern().IsMatch(value))
        {
            return ScalarType.Float;
        }
        return ScalarType.String;
    }

    public static bool TryBoolean(string value, out bool result)
    {
        switch (value)
        {
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                result = true;
                return true;
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    public static bool IsNull(YamlNode node) => node is YamlScalarNode s && TypeOf(s) == ScalarType.Null;

    public static Model.ScalarStyle StyleOf(YamlScalarNode scalar) => scalar.Style switch
    {
        YamlDotNet.Core.ScalarStyle.SingleQuoted => Model.ScalarStyle.SingleQuoted,
        YamlDotNet.Core.ScalarStyle.DoubleQuoted => Model.ScalarStyle.DoubleQuoted,
        YamlDotNet.Core.ScalarStyle.Literal => Model.ScalarStyle.Literal,
        YamlDotNet.Core.ScalarStyle.Folded => Model.ScalarStyle.Folded,
        _ => Model.ScalarStyle.Plain,
    };

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "an object",
        YamlSequenceNode => "a list",
        YamlScalarNode s => TypeOf(s) switch
        {
            ScalarType.Null => "null",
            ScalarType.Boolean => "a boolean",
            ScalarType.Integer => "an integer",
            ScalarType.Float => "a number",
            _ => "a string",
        },
        _ => "an alias",
    };

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+)$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();
}
