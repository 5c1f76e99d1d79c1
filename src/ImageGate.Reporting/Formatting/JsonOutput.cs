using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ImageGate.Reporting.Formatting;

/// <summary>Writes indented UTF-8 JSON to a <see cref="TextWriter"/> through <see cref="Utf8JsonWriter"/>.</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(TextWriter writer, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            body(json);
        }
        writer.Write(Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        writer.Write('\n');
    }

    public static void String(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, Text.ValidUtf16(value));
        }
    }

    public static void StringValue(this Utf8JsonWriter json, string value) => json.WriteStringValue(Text.ValidUtf16(value));

    public static void OptionalString(this Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, Text.ValidUtf16(value));
        }
    }
}
