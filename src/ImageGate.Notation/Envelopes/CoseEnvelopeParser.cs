using System.Formats.Cbor;
using System.Security.Cryptography.X509Certificates;

namespace ImageGate.Notation.Envelopes;

/// <summary>Parses a COSE_Sign1_Tagged envelope (application/cose); every header label is read and checked here.</summary>
internal static class CoseEnvelopeParser
{
    public const string MediaType = "application/cose";
    private const int X5Chain = 33;
    private const string TimestampLabel = "io.cncf.notary.timestampSignature";

    public static ParsedEnvelope Parse(byte[] envelope)
    {
        try
        {
            return ParseCore(envelope);
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw HeaderRules.Integrity($"COSE envelope is malformed CBOR: {e.Message}");
        }
    }

    private static ParsedEnvelope ParseCore(byte[] envelope)
    {
        var reader = new CborReader(envelope, CborConformanceMode.Strict);
        if (reader.PeekState() != CborReaderState.Tag || reader.ReadTag() != (CborTag)18)
        {
            throw HeaderRules.Integrity("COSE envelope is not a tagged COSE_Sign1 (CBOR tag 18)");
        }
        if (reader.ReadStartArray() != 4)
        {
            throw HeaderRules.Integrity("COSE_Sign1 must be a definite array of 4 items");
        }
        var protectedBytes = ReadDefiniteBytes(reader, "protected header");
        var unprotected = ReadUnprotected(reader);
        if (reader.PeekState() == CborReaderState.Null)
        {
            throw HeaderRules.Integrity("COSE_Sign1 payload is detached; Notary signatures embed the payload");
        }
        var payload = ReadDefiniteBytes(reader, "payload");
        var signature = ReadDefiniteBytes(reader, "signature");
        reader.ReadEndArray();
        if (reader.BytesRemaining != 0)
        {
            throw HeaderRules.Integrity("COSE envelope has trailing bytes");
        }

        var headers = ReadProtected(protectedBytes, out var protectedChain);
        if (protectedChain is not null && unprotected.Chain is not null)
        {
            throw HeaderRules.Integrity("x5chain appears in both the protected and the unprotected header");
        }
        var chain = protectedChain ?? unprotected.Chain ?? throw HeaderRules.Integrity("COSE envelope has no x5chain (label 33)");

        var tbs = new CborWriter(CborConformanceMode.Strict);
        tbs.WriteStartArray(4);
        tbs.WriteTextString("Signature1");
        tbs.WriteByteString(protectedBytes);
        tbs.WriteByteString([]);
        tbs.WriteByteString(payload);
        tbs.WriteEndArray();

        return new ParsedEnvelope
        {
            Format = "COSE",
            Headers = headers,
            Chain = chain,
            Payload = payload,
            Signature = signature,
            SignedBytes = tbs.Encode(),
            AnyPssSaltLength = false,
            TimestampToken = unprotected.Timestamp,
        };
    }

    private static ProtectedHeaders ReadProtected(byte[] bytes, out List<X509Certificate2>? chain)
    {
        chain = null;
        var h = new ProtectedHeaders();
        if (bytes.Length == 0)
        {
            throw HeaderRules.Integrity("COSE protected header is empty");
        }
        var reader = new CborReader(bytes, CborConformanceMode.Strict);
        var count = reader.ReadStartMap() ?? throw HeaderRules.Integrity("COSE protected header map has indefinite length");
        for (var i = 0; i < count; i++)
        {
            var label = ReadLabel(reader);
            if (!h.Present.Add(label))
            {
                throw HeaderRules.Integrity($"COSE protected header repeats label '{label}'");
            }
            switch (label)
            {
                case "alg":
                    if (reader.PeekState() is not (CborReaderState.NegativeInteger or CborReaderState.UnsignedInteger))
                    {
                        throw HeaderRules.Integrity("COSE alg must be an integer");
                    }
                    var alg = reader.ReadInt64();
                    h.Algorithm = SignatureAlgorithms.FromCose(alg)
                        ?? throw HeaderRules.Integrity($"unsupported COSE signature algorithm {alg}");
                    break;
                case "crit":
                    var n = reader.ReadStartArray() ?? throw HeaderRules.Integrity("COSE crit has indefinite length");
                    if (n > HeaderRules.MaxCritical)
                    {
                        throw HeaderRules.Integrity($"COSE crit lists more than {HeaderRules.MaxCritical} labels");
                    }
                    h.Critical = [];
                    for (var j = 0; j < n; j++)
                    {
                        h.Critical.Add(ReadLabel(reader));
                    }
                    reader.ReadEndArray();
                    break;
                case "cty":
                    if (reader.PeekState() == CborReaderState.TextString)
                    {
                        h.ContentType = reader.ReadTextString();
                    }
                    else
                    {
                        reader.SkipValue();
                        h.ContentType = "(not a text string)";
                    }
                    break;
                case "label:33":
                    chain = ReadChain(reader);
                    break;
                case ProtectedHeaders.SigningScheme:
                    h.Scheme = ReadText(reader, label);
                    break;
                case ProtectedHeaders.SigningTime:
                    h.SigningTimeValue = ReadTime(reader, label);
                    break;
                case ProtectedHeaders.AuthenticSigningTime:
                    h.AuthenticSigningTimeValue = ReadTime(reader, label);
                    break;
                case ProtectedHeaders.Expiry:
                    h.ExpiryValue = ReadTime(reader, label);
                    break;
                case ProtectedHeaders.VerificationPlugin:
                case ProtectedHeaders.VerificationPluginMinVersion:
                    ReadText(reader, label);
                    break;
                default:
                    reader.SkipValue();
                    break;
            }
        }
        reader.ReadEndMap();
        if (reader.BytesRemaining != 0)
        {
            throw HeaderRules.Integrity("COSE protected header has trailing bytes");
        }
        if (h.Algorithm is null)
        {
            throw HeaderRules.Integrity("missing COSE protected header alg (label 1)");
        }
        return h;
    }

    private sealed record Unprotected(List<X509Certificate2>? Chain, byte[]? Timestamp);

    private static Unprotected ReadUnprotected(CborReader reader)
    {
        var count = reader.ReadStartMap() ?? throw HeaderRules.Integrity("COSE unprotected header map has indefinite length");
        List<X509Certificate2>? chain = null;
        byte[]? timestamp = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var label = ReadLabel(reader);
            if (!seen.Add(label))
            {
                throw HeaderRules.Integrity($"COSE unprotected header repeats label '{label}'");
            }
            switch (label)
            {
                case "crit":
                    throw HeaderRules.Integrity("COSE crit must not appear in the unprotected header");
                case "label:33":
                    chain = ReadChain(reader);
                    break;
                case TimestampLabel:
                    if (reader.PeekState() != CborReaderState.ByteString)
                    {
                        throw HeaderRules.Integrity($"COSE '{TimestampLabel}' must be a byte string");
                    }
                    timestamp = reader.ReadByteString();
                    break;
                default:
                    reader.SkipValue();
                    break;
            }
        }
        reader.ReadEndMap();
        return new Unprotected(chain, timestamp);
    }

    private static List<X509Certificate2> ReadChain(CborReader reader)
    {
        var chain = new List<X509Certificate2>();
        if (reader.PeekState() == CborReaderState.ByteString)
        {
            chain.Add(CertificateParsing.Load(reader.ReadByteString(), "x5chain entry 0"));
            return chain;
        }
        var n = reader.ReadStartArray() ?? throw HeaderRules.Integrity("COSE x5chain has indefinite length");
        if (n == 0 || n > JwsEnvelopeParser.MaxChain)
        {
            throw HeaderRules.Integrity($"COSE x5chain must hold 1 to {JwsEnvelopeParser.MaxChain} certificates, found {n}");
        }
        for (var i = 0; i < n; i++)
        {
            if (reader.PeekState() != CborReaderState.ByteString)
            {
                throw HeaderRules.Integrity($"COSE x5chain entry {i} is not a byte string");
            }
            chain.Add(CertificateParsing.Load(reader.ReadByteString(), $"x5chain entry {i}"));
        }
        reader.ReadEndArray();
        return chain;
    }

    /// <summary>Reads an int or text label and normalises it to the shared header names.</summary>
    private static string ReadLabel(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.UnsignedInteger:
            case CborReaderState.NegativeInteger:
                var value = reader.ReadInt64();
                return value switch { 1 => "alg", 2 => "crit", 3 => "cty", _ => $"label:{value}" };
            case CborReaderState.TextString:
                var text = reader.ReadTextString();
                // Keep text labels from colliding with the integer labels' names.
                return text is "alg" or "crit" or "cty" || text.StartsWith("label:", StringComparison.Ordinal) ? "text:" + text : text;
            default:
                throw HeaderRules.Integrity("COSE header labels must be integers or text strings");
        }
    }

    private static string ReadText(CborReader reader, string label) =>
        reader.PeekState() == CborReaderState.TextString
            ? reader.ReadTextString()
            : throw HeaderRules.Integrity($"COSE header '{label}' must be a text string");

    /// <summary>Notary times in COSE are CBOR tag 1 with integer seconds.</summary>
    private static DateTimeOffset ReadTime(CborReader reader, string label)
    {
        if (reader.PeekState() != CborReaderState.Tag || reader.ReadTag() != CborTag.UnixTimeSeconds ||
            reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
        {
            throw HeaderRules.Integrity($"COSE header '{label}' must be CBOR tag 1 with integer seconds");
        }
        var seconds = reader.ReadInt64();
        if (seconds < 0 || seconds > 253402300799)
        {
            throw HeaderRules.Integrity($"COSE header '{label}' is out of range");
        }
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    private static byte[] ReadDefiniteBytes(CborReader reader, string what)
    {
        if (reader.PeekState() != CborReaderState.ByteString)
        {
            throw HeaderRules.Integrity($"COSE_Sign1 {what} must be a definite-length byte string");
        }
        return reader.ReadByteString();
    }
}
