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

    /// <summary>Bytes the JSON writer may hold before <see cref="FlushWhenFull"/> passes them on.</summary>
    private const int FlushThreshold = 64 * 1024;

    /// <summary>Writes the document <paramref name="body"/> produces, streaming: a report of hundreds of megabytes is
    /// never held whole in memory. Bodies call <see cref="FlushWhenFull"/> between the items of long arrays.</summary>
    public static void Write(TextWriter writer, Action<Utf8JsonWriter> body)
    {
        using var stream = new TextWriterStream(writer);
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            body(json);
        }
        stream.Complete();
        writer.Write('\n');
    }

    /// <summary>Passes the pending bytes on once there are enough of them.</summary>
    public static void FlushWhenFull(this Utf8JsonWriter json)
    {
        if (json.BytesPending >= FlushThreshold)
        {
            json.Flush();
        }
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

/// <summary>A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/>; a character split across two
/// writes is kept until its last byte arrives.</summary>
internal sealed class TextWriterStream(TextWriter writer) : Stream
{
    private readonly Decoder decoder = Encoding.UTF8.GetDecoder();
    private char[] chars = new char[4096];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => Decode(buffer, flush: false);

    /// <summary>Ends the text, writing whatever an unfinished character left.</summary>
    public void Complete() => Decode([], flush: true);

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        var needed = decoder.GetCharCount(bytes, flush);
        if (needed > chars.Length)
        {
            chars = new char[Math.Max(needed, chars.Length * 2)];
        }
        var written = decoder.GetChars(bytes, chars, flush);
        writer.Write(chars, 0, written);
    }
}

