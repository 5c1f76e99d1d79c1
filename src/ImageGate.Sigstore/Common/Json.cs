using System.Globalization;
using System.Text.Json;

namespace ImageGate.Sigstore;

/// <summary>Small proto3-JSON readers over <see cref="JsonElement"/>: every field optional, int64 as string or number.</summary>
internal static class Json
{
    public const int MaxDocumentBytes = 64 * 1024 * 1024;

    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string what)
    {
        if (utf8.Length > MaxDocumentBytes)
        {
            throw Fail.With($"malformed {what}: larger than {MaxDocumentBytes} bytes");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw Fail.With($"malformed {what}: {ex.Message}");
        }
        try
        {
            // The parser leaves strings undecoded: invalid UTF-8 or an escaped lone surrogate would only surface
            // later, as an InvalidOperationException from whichever reader touches it. Decode them all once here.
            CheckStrings(document.RootElement);
            return document;
        }
        catch (InvalidOperationException ex)
        {
            document.Dispose();
            throw Fail.With($"malformed {what}: a string is not valid Unicode ({ex.Message})");
        }
    }

    private static void CheckStrings(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                _ = e.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    CheckStrings(item);
                }
                break;
            case JsonValueKind.Object:
                foreach (var property in e.EnumerateObject())
                {
                    _ = property.Name;
                    CheckStrings(property.Value);
                }
                break;
        }
    }

    public static JsonElement? Prop(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static string? Str(this JsonElement e, string name)
    {
        var v = e.Prop(name);
        if (v is null)
        {
            return null;
        }
        return v.Value.ValueKind == JsonValueKind.String ? v.Value.GetString() : throw Fail.With($"field '{name}' must be a string");
    }

    public static long Int64(this JsonElement e, string name, long defaultValue = 0)
    {
        var v = e.Prop(name);
        if (v is null)
        {
            return defaultValue;
        }
        return v.Value.ValueKind switch
        {
            JsonValueKind.Number when v.Value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(v.Value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
            _ => throw Fail.With($"field '{name}' must be an int64"),
        };
    }

    public static byte[]? Bytes(this JsonElement e, string name)
    {
        var s = e.Str(name);
        return s is null ? null : Codec.FromBase64(s, name);
    }

    public static IEnumerable<JsonElement> Array(this JsonElement e, string name, int max = 1000) =>
        ArrayValue(e, name, max) is { } v ? v.EnumerateArray() : [];

    /// <summary>The array field, bounded to <paramref name="max"/> entries; null when absent.</summary>
    private static JsonElement? ArrayValue(JsonElement e, string name, int max)
    {
        var v = e.Prop(name);
        if (v is null)
        {
            return null;
        }
        if (v.Value.ValueKind != JsonValueKind.Array)
        {
            throw Fail.With($"field '{name}' must be an array");
        }
        if (v.Value.GetArrayLength() > max)
        {
            throw Fail.With($"field '{name}' has more than {max} entries");
        }
        return v;
    }

    /// <summary>Converts each entry of an array field (plain loop: no LINQ iterator over the JsonElement value type, which
    /// precompiled code lacks and start-up would compile).</summary>
    public static List<T> Map<T>(this JsonElement e, string name, int max, Func<JsonElement, T> convert)
    {
        var result = new List<T>();
        if (ArrayValue(e, name, max) is { } array)
        {
            foreach (var item in array.EnumerateArray())
            {
                result.Add(convert(item));
            }
        }
        return result;
    }

    public static DateTimeOffset? Time(this JsonElement e, string name)
    {
        var s = e.Str(name);
        if (s is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw Fail.With($"field '{name}' is not an RFC 3339 time: {s}");
    }
}
