using System.Text;

namespace ImageGate.Manifests.Yaml;

/// <summary>Turns input bytes into text strictly: a BOM selects UTF-8, UTF-16 or UTF-32, otherwise UTF-8; bytes
/// that are not valid in that encoding, and characters YAML does not allow in a stream (NUL and other control
/// characters, lone surrogates), are errors naming file:line:column, never silently replaced.</summary>
public static class SourceText
{
    /// <summary>Reads at most <paramref name="maxBytes"/> bytes of <paramref name="stream"/> (the size on disk is not
    /// trusted: devices and /proc files report 0) and decodes them.</summary>
    public static string Read(Stream stream, string file, long maxBytes)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw new ManifestException(file, null, null, $"file is larger than the limit of {maxBytes} bytes");
            }
        }
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), file);
    }

    /// <summary>Decodes <paramref name="bytes"/> (see the class summary) and checks the characters.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string file)
    {
        var (encoding, skip) = Detect(bytes);
        var body = bytes[skip..];
        if (skip == 0 && body.Length >= 2 && (body[0] == 0 || body[1] == 0))
        {
            throw new ManifestException(file, 1, 1, "the text looks like UTF-16 or UTF-32 without a byte order mark; save it as UTF-8");
        }
        string text;
        try
        {
            text = encoding.GetString(body);
        }
        catch (DecoderFallbackException e)
        {
            var at = Math.Clamp(e.Index, 0, body.Length);
            // Locate the bad byte: decode what comes before it (valid by construction) to count lines and columns.
            var lenient = Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
            var before = lenient.GetString(body[..FloorToUnit(at, encoding)]);
            var (line, column) = LineColumn(before, before.Length);
            throw new ManifestException(file, line, column, $"invalid {encoding.WebName.ToUpperInvariant()}: byte 0x{body[at]:X2} at offset {skip + at} is not valid text");
        }
        CheckCharacters(text, file);
        return text;
    }

    /// <summary>Refuses characters YAML forbids in a stream: C0 controls other than tab, LF and CR, DEL, C1 controls
    /// other than NEL, lone surrogates, U+FFFE and U+FFFF, and a byte order mark anywhere but at the very start.</summary>
    public static void CheckCharacters(string text, string file)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            bool bad;
            if (char.IsHighSurrogate(c))
            {
                bad = i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
                if (!bad)
                {
                    i++;
                    continue;
                }
            }
            else
            {
                bad = c switch
                {
                    '\t' or '\n' or '\r' or '\u0085' => false,
                    < '\u0020' or '\u007f' => true,
                    >= '\u0080' and <= '\u009f' => true,
                    '\uFFFE' or '\uFFFF' => true,
                    // Kubernetes reads a BOM at the start of each document; we would read it as part of a key.
                    '\uFEFF' => i > 0,
                    _ => char.IsLowSurrogate(c),
                };
            }
            if (bad)
            {
                var (line, column) = LineColumn(text, i);
                var what = char.IsSurrogate(c) ? "a lone UTF-16 surrogate" : c == '\uFEFF' ? "a byte order mark (U+FEFF) after the start of the file" : $"the control character U+{(int)c:X4}";
                throw new ManifestException(file, line, column, $"invalid YAML: {what} is not allowed in YAML text");
            }
        }
    }

    private static (Encoding Encoding, int Skip) Detect(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0)
        {
            return (new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true), 4);
        }
        if (b.Length >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF)
        {
            return (new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true), 4);
        }
        if (b.Length >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        {
            return (new UTF8Encoding(false, true), 3);
        }
        if (b.Length >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        {
            return (new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2);
        }
        if (b.Length >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        {
            return (new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2);
        }
        return (new UTF8Encoding(false, true), 0);
    }

    // The start of the code unit holding byte offset `at`, so the prefix decodes cleanly.
    private static int FloorToUnit(int at, Encoding encoding) => encoding switch
    {
        UTF32Encoding => at - at % 4,
        UnicodeEncoding => at - at % 2,
        _ => at,
    };

    private static (int Line, int Column) LineColumn(string text, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, index - lineStart + 1);
    }
}
