using System.Text.Json;

namespace ImageGate.Sigstore.Formats;

/// <summary>A cosign simple-signing payload (<c>application/vnd.dev.cosign.simplesigning.v1+json</c>).</summary>
public sealed record SimpleSigningPayload(string DockerReference, string DockerManifestDigest, string Type, IReadOnlyDictionary<string, string> Optional)
{
    /// <summary>The media type of a simple-signing layer.</summary>
    public const string MediaType = "application/vnd.dev.cosign.simplesigning.v1+json";

    /// <summary>Parses the payload bytes as stored (they are never re-serialised).</summary>
    public static SimpleSigningPayload Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = Json.Parse(json, "simple-signing payload");
        var e = doc.RootElement;
        var critical = e.Prop("critical") ?? throw Fail.With("invalid or missing digest in claim: the payload has no 'critical' section");
        var optional = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.Prop("optional") is { ValueKind: JsonValueKind.Object } o)
        {
            foreach (var p in o.EnumerateObject().Take(1000))
            {
                optional[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }
        return new SimpleSigningPayload(
            critical.Prop("identity")?.Str("docker-reference") ?? "",
            critical.Prop("image")?.Str("docker-manifest-digest") ?? "",
            critical.Str("type") ?? "",
            optional);
    }

    /// <summary>cosign's SimpleClaimVerifier: the signed digest must equal the image digest, and every wanted annotation must
    /// appear in <c>optional</c> with the same value.</summary>
    public VerificationResult Check(string imageDigest, IReadOnlyDictionary<string, string>? annotations = null)
    {
        if (!string.Equals(DockerManifestDigest, imageDigest, StringComparison.Ordinal))
        {
            return VerificationResult.Fail($"invalid or missing digest in claim: signed digest \"{DockerManifestDigest}\" does not equal image digest \"{imageDigest}\"");
        }
        foreach (var (key, value) in annotations ?? new Dictionary<string, string>())
        {
            if (!Optional.TryGetValue(key, out var actual))
            {
                return VerificationResult.Fail($"missing or incorrect annotation: \"{key}\" is not in the signed payload");
            }
            if (!string.Equals(actual, value, StringComparison.Ordinal))
            {
                return VerificationResult.Fail($"missing or incorrect annotation: \"{key}\" is \"{actual}\", expected \"{value}\"");
            }
        }
        return VerificationResult.Success;
    }
}
