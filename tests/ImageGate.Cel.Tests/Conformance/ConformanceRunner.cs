using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImageGate.Cel.Tests.Conformance;

/// <summary>Runs cel-spec simple tests against ImageGate.Cel and compares results strictly.</summary>
internal static partial class ConformanceRunner
{
    /// <summary>Files whose every test needs protobuf message types (TestAllTypes, wrappers, enums, Any, Struct).</summary>
    public static readonly HashSet<string> ProtoFiles = ["dynamic", "enums", "proto2", "proto2_ext", "proto3", "wrappers"];

    public enum Outcome { Passed, Failed, NeedsProto, Unsupported }

    public sealed record Result(CelSpecData.Case Case, Outcome Outcome, string Detail);

    [GeneratedRegex(@"TestAllTypes|NestedEnum|GlobalEnum|NestedMessage|google\.protobuf\.(?!Timestamp\b|Duration\b)|proto[23]\.|\.ext\b|TestRequired")]
    private static partial System.Text.RegularExpressions.Regex ProtoExpr();

    public static string? NeedsProto(CelSpecData.Case c)
    {
        if (ProtoFiles.Contains(c.File)) return "file tests protobuf messages";
        var o = c.Original;
        if (ProtoExpr().IsMatch(c.Expr)) return "expression uses protobuf message types";
        var container = (string?)o["container"] ?? "";
        if (container.Contains("conformance", StringComparison.Ordinal) || container.Contains("google.api.expr.test", StringComparison.Ordinal)) return "protobuf container";
        var json = o.ToJsonString();
        if (json.Contains("\"messageType\"", StringComparison.Ordinal)) return "declares a protobuf message variable";
        if (json.Contains("\"enumValue\"", StringComparison.Ordinal)) return "expects a protobuf enum value";
        if (ObjectValueNeedsProto(o)) return "uses a protobuf message value";
        return null;
    }

    private static bool ObjectValueNeedsProto(JsonNode? n) => n switch
    {
        JsonObject obj => (obj["objectValue"] is JsonObject ov && (string?)ov["@type"] is not ("type.googleapis.com/google.protobuf.Duration" or "type.googleapis.com/google.protobuf.Timestamp"))
                          || obj.Any(kv => ObjectValueNeedsProto(kv.Value)),
        JsonArray arr => arr.Any(ObjectValueNeedsProto),
        _ => false,
    };

    public static Result Run(CelSpecData.Case c)
    {
        if (NeedsProto(c) is { } why) return new Result(c, Outcome.NeedsProto, why);
        var o = c.Original;
        var checkOnly = o["checkOnly"]?.GetValue<bool>() == true;
        var disableCheck = o["disableCheck"]?.GetValue<bool>() == true;
        var env = new CelEnvironment(new CelOptions
        {
            Container = (string?)o["container"] ?? "",
            TypeCheck = !disableCheck,
            AllowUndeclaredVariables = disableCheck,
        });
        foreach (var decl in o["typeEnv"]?.AsArray() ?? [])
        {
            if (decl!["ident"] is JsonObject ident) env.DeclareVariable((string)decl["name"]!, ParseType(ident["type"]));
            if (decl["function"] is JsonObject fn)
                foreach (var ov in fn["overloads"]?.AsArray() ?? [])
                {
                    var ps = (ov!["params"]?.AsArray() ?? []).Select(ParseType).ToArray();
                    var member = ov["isInstanceFunction"]?.GetValue<bool>() == true;
                    env.AddOverload((string)decl["name"]!, new CelOverload((string)ov["overloadId"]!, member, ps, ParseType(ov["resultType"]), _ => new CelError("declaration only")));
                }
        }
        var bindings = new Dictionary<string, object?>();
        foreach (var kv in o["bindings"]?.AsObject() ?? [])
            bindings[kv.Key] = ParseValue(kv.Value!["value"]!);
        if (disableCheck)
            foreach (var name in bindings.Keys) if (!env.Variables.ContainsKey(name)) env.DeclareVariable(name, CelType.Dyn);

        object result;
        string? compileError = null;
        try
        {
            var compiled = env.Compile(c.Expr);
            if (!compiled.Success)
            {
                compileError = compiled.ErrorText;
                result = new CelError(compileError);
            }
            else result = compiled.Program!.Evaluate(bindings);
        }
        catch (Exception ex)
        {
            return new Result(c, Outcome.Failed, $"exception: {ex.GetType().Name}: {ex.Message}");
        }

        JsonNode? expectedValue = o["value"];
        if (o["typedResult"] is JsonObject tr)
        {
            expectedValue = tr["result"];
            var want = ParseType(tr["deducedType"]);
            if (compileError != null) return new Result(c, Outcome.Failed, "check failed: " + compileError);
            var got = env.Compile(c.Expr).OutputType;
            if (got == null || !want.Equals(got)) return new Result(c, Outcome.Failed, $"deduced type {got}, expected {want}");
            if (checkOnly) return new Result(c, Outcome.Passed, "");
        }
        if (o["evalError"] != null)
            return result is CelError
                ? new Result(c, Outcome.Passed, "")
                : new Result(c, Outcome.Failed, $"expected an error, got {Values.Describe(result)}");
        if (o["unknown"] != null || o["anyUnknowns"] != null) return new Result(c, Outcome.Unsupported, "expects an unknown set");
        expectedValue ??= new JsonObject { ["boolValue"] = true };
        object expected;
        try { expected = ParseValue(expectedValue); }
        catch (NotSupportedException ex) { return new Result(c, Outcome.NeedsProto, ex.Message); }
        if (result is CelError err) return new Result(c, Outcome.Failed, $"unexpected error: {err.Message}");
        return StrictEqual(expected, result)
            ? new Result(c, Outcome.Passed, "")
            : new Result(c, Outcome.Failed, $"expected {Values.Describe(expected)}, got {Values.Describe(result)}");
    }

    public static CelType ParseType(JsonNode? t)
    {
        if (t is not JsonObject o) return CelType.Dyn;
        if (o["primitive"] is { } p)
            return (string)p! switch
            {
                "BOOL" => CelType.Bool, "INT64" => CelType.Int, "UINT64" => CelType.Uint, "DOUBLE" => CelType.Double,
                "STRING" => CelType.String, "BYTES" => CelType.Bytes, _ => CelType.Dyn,
            };
        if (o["listType"] is JsonObject l) return CelType.List(ParseType(l["elemType"]));
        if (o["mapType"] is JsonObject m) return CelType.Map(ParseType(m["keyType"]), ParseType(m["valueType"]));
        if (o["wellKnown"] is { } w)
            return (string)w! switch { "TIMESTAMP" => CelType.Timestamp, "DURATION" => CelType.Duration, _ => CelType.Dyn };
        if (o.ContainsKey("null")) return CelType.Null;
        if (o["typeParam"] is { } tp) return CelType.Param((string)tp!);
        if (o["abstractType"] is JsonObject at)
        {
            var name = (string)at["name"]!;
            var ps = at["parameterTypes"]?.AsArray().Select(ParseType).ToArray() ?? [];
            return name == "optional_type" && ps.Length == 1 ? CelType.Optional(ps[0]) : CelType.Opaque(name, ps);
        }
        if (o["type"] is JsonObject inner) return CelType.TypeOf(ParseType(inner));
        return CelType.Dyn;
    }

    public static object ParseValue(JsonNode v)
    {
        var o = v.AsObject();
        if (o.Count == 0) return CelNull.Value;
        var (kind, val) = o.First();
        switch (kind)
        {
            case "int64Value": return long.Parse(val!.ToString(), CultureInfo.InvariantCulture);
            case "uint64Value": return ulong.Parse(val!.ToString(), CultureInfo.InvariantCulture);
            case "doubleValue":
                if (val is JsonValue jv && jv.TryGetValue<string>(out var ds))
                    return ds switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, _ => double.Parse(ds, CultureInfo.InvariantCulture) };
                return val!.GetValue<double>();
            case "stringValue": return (string)val!;
            case "bytesValue": return new CelBytes(Convert.FromBase64String((string)val!));
            case "boolValue": return val!.GetValue<bool>();
            case "nullValue": return CelNull.Value;
            case "listValue":
                return new CelList((val!["values"]?.AsArray() ?? []).Select(x => ParseValue(x!)).ToArray());
            case "mapValue":
            {
                var m = new CelMap();
                foreach (var e in val!["entries"]?.AsArray() ?? [])
                    m.Entries[ParseValue(e!["key"]!)] = ParseValue(e["value"]!);
                return m;
            }
            case "typeValue":
            {
                var env = new CelEnvironment();
                return env.FindTypeName((string)val!) ?? CelType.Opaque((string)val!);
            }
            case "objectValue":
            {
                var type = (string?)val!["@type"];
                if (type == "type.googleapis.com/google.protobuf.Duration")
                    return Library.StandardLibrary.ParseDuration((string)val["value"]!) is { } d ? new CelDuration(d) : throw new NotSupportedException("bad duration");
                if (type == "type.googleapis.com/google.protobuf.Timestamp")
                    return Library.StandardLibrary.ParseTimestamp((string)val["value"]!) ?? throw new NotSupportedException("bad timestamp");
                throw new NotSupportedException($"protobuf message value {type}");
            }
        }
        throw new NotSupportedException($"value kind {kind}");
    }

    /// <summary>Strict comparison: int, uint and double are distinct; NaN equals NaN; map keys compared with their types.</summary>
    public static bool StrictEqual(object expected, object actual)
    {
        if (expected is CelType et) return actual is CelType at && et.Name == at.Name;
        var ek = Values.KindOf(expected);
        if (ek != Values.KindOf(actual)) return false;
        switch (ek)
        {
            case ValueKind.Double:
                var (a, b) = ((double)expected, (double)actual);
                return (double.IsNaN(a) && double.IsNaN(b)) || a.Equals(b);
            case ValueKind.List:
            {
                var n = Values.ListCount(expected);
                if (n != Values.ListCount(actual)) return false;
                for (var i = 0; i < n; i++)
                    if (!StrictEqual(Values.ListGet(expected, i), Values.ListGet(actual, i))) return false;
                return true;
            }
            case ValueKind.Map:
            {
                if (Values.MapCount(expected) != Values.MapCount(actual)) return false;
                var actualEntries = Values.MapEntries(actual).ToList();
                foreach (var kv in Values.MapEntries(expected))
                {
                    var match = actualEntries.FirstOrDefault(x => Values.KindOf(x.Key) == Values.KindOf(kv.Key) && Values.Equal(x.Key, kv.Key));
                    if (match.Key is null || !StrictEqual(kv.Value, match.Value)) return false;
                }
                return true;
            }
            default:
                return Values.Equal(expected, actual);
        }
    }
}
