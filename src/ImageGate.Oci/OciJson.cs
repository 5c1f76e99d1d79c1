using System.Text.Json;

namespace ImageGate.Oci;

/// <summary>Parses JSON from registries, token servers and credential files, decoding every string once: the parser
/// leaves strings undecoded, so invalid UTF-8 or an escaped lone surrogate would otherwise surface later as an
/// InvalidOperationException. Here it is a <see cref="JsonException"/>, which every caller already handles.</summary>
internal static class OciJson
{
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, JsonDocumentOptions options = default) =>
        Checked(JsonDocument.Parse(utf8, options));

    public static JsonDocument Parse(string json, JsonDocumentOptions options = default) =>
        Checked(JsonDocument.Parse(json, options));

    private static JsonDocument Checked(JsonDocument document)
    {
        try
        {
            CheckStrings(document.RootElement);
            return document;
        }
        catch (InvalidOperationException e)
        {
            document.Dispose();
            throw new JsonException($"a string is not valid Unicode ({e.Message})", e);
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
