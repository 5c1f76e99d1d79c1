using System.Text.Json;

namespace ImageGate.Notation;

/// <summary>Parses signed JSON strictly (no duplicate keys, bounded depth) and decodes every string once, so that
/// invalid UTF-8 or an escaped lone surrogate is a parse failure here, not an InvalidOperationException later from
/// whichever reader touches the string.</summary>
internal static class StrictJson
{
    /// <summary>Parses <paramref name="bytes"/>; <paramref name="fail"/> turns a reason into the caller's error.</summary>
    public static JsonDocument Parse(byte[] bytes, int maxDepth, Func<string, Exception> fail)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = maxDepth });
        }
        catch (JsonException e)
        {
            throw fail($"not valid JSON: {e.Message}");
        }
        try
        {
            CheckStrings(document.RootElement);
            return document;
        }
        catch (InvalidOperationException e)
        {
            document.Dispose();
            throw fail($"not valid: a string is not valid Unicode ({e.Message})");
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
}
