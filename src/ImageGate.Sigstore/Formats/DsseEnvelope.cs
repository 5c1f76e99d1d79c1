using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ImageGate.Sigstore.Formats;

/// <summary>One DSSE signature.</summary>
public sealed record DsseSignature(byte[] Sig, string KeyId);

/// <summary>A DSSE envelope: payload type, payload bytes and signatures over the pre-authentication encoding.</summary>
public sealed record DsseEnvelope(string PayloadType, byte[] Payload, IReadOnlyList<DsseSignature> Signatures)
{
    /// <summary>The in-toto payload type.</summary>
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>DSSE PAE: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes as ASCII decimal.</summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        var result = new byte[header.Length + type.Length + middle.Length + payload.Length];
        header.CopyTo(result, 0);
        type.CopyTo(result, header.Length);
        middle.CopyTo(result, header.Length + type.Length);
        payload.CopyTo(result.AsSpan(header.Length + type.Length + middle.Length));
        return result;
    }

    /// <summary>The PAE of this envelope (the bytes each signature signs).</summary>
    public byte[] Pae() => Pae(PayloadType, Payload);

    /// <summary>Parses an envelope from JSON bytes (a cosign <c>.att</c> layer).</summary>
    public static DsseEnvelope Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = Json.Parse(json, "DSSE envelope");
        return FromJson(doc.RootElement);
    }

    internal static DsseEnvelope FromJson(JsonElement e)
    {
        var signatures = e.Map("signatures", 32, s => new DsseSignature(s.Bytes("sig") ?? throw Fail.With("DSSE signature without sig"), s.Str("keyid") ?? ""));
        return new DsseEnvelope(e.Str("payloadType") ?? "", e.Bytes("payload") ?? [], signatures);
    }
}
