using System.Text.Json;

namespace ImageGate.Sigstore.Formats;

/// <summary>One in-toto subject: name and digests by algorithm.</summary>
public sealed record InTotoSubject(string Name, IReadOnlyDictionary<string, string> Digest);

/// <summary>An in-toto statement (v0.1 or v1): subjects, predicate type and the raw predicate JSON.</summary>
public sealed record InTotoStatement(string Type, IReadOnlyList<InTotoSubject> Subjects, string PredicateType, string PredicateJson)
{
    /// <summary>Statement v0.1 type URI.</summary>
    public const string V01 = "https://in-toto.io/Statement/v0.1";

    /// <summary>Statement v1 type URI.</summary>
    public const string V1 = "https://in-toto.io/Statement/v1";

    /// <summary>Parses a statement; unknown <c>_type</c> values are rejected.</summary>
    public static InTotoStatement Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = Json.Parse(json, "in-toto statement");
        var e = doc.RootElement;
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Fail.With("malformed in-toto statement: not a JSON object");
        }
        var type = e.Str("_type") ?? "";
        if (type != V01 && type != V1)
        {
            throw Fail.With($"unsupported in-toto statement type '{type}'");
        }
        var subjects = new List<InTotoSubject>();
        foreach (var s in e.Array("subject", 1000))
        {
            if (s.ValueKind != JsonValueKind.Object)
            {
                throw Fail.With("malformed in-toto statement: a subject is not an object");
            }
            var digests = new Dictionary<string, string>(StringComparer.Ordinal);
            if (s.Prop("digest") is { ValueKind: JsonValueKind.Object } d)
            {
                foreach (var p in d.EnumerateObject())
                {
                    digests[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : "";
                }
            }
            subjects.Add(new InTotoSubject(s.Str("name") ?? "", digests));
        }
        return new InTotoStatement(type, subjects, e.Str("predicateType") ?? "", e.Prop("predicate")?.GetRawText() ?? "null");
    }

    /// <summary>True when a subject's sha256 digest equals <paramref name="digest"/> ("sha256:hex" or bare hex).</summary>
    public bool HasSubjectDigest(string digest)
    {
        var hex = digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[7..] : digest;
        return Subjects.Any(s => s.Digest.TryGetValue("sha256", out var v) && string.Equals(v, hex, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Checks the subject against the image digest with cosign's reason on failure.</summary>
    public VerificationResult CheckSubject(string imageDigest) => HasSubjectDigest(imageDigest)
        ? VerificationResult.Success
        : VerificationResult.Fail($"no matching subject digest found: statement subjects [{string.Join(", ", Subjects.SelectMany(s => s.Digest.Select(d => d.Key + ":" + d.Value)))}] do not include {imageDigest}");
}

/// <summary>Predicate type names: cosign's short names normalised to URIs (decision E7).</summary>
public static class PredicateTypes
{
    /// <summary>The predicate cosign v3 uses for image signatures in the bundle format.</summary>
    public const string CosignSign = "https://sigstore.dev/cosign/sign/v1";

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["custom"] = "https://cosign.sigstore.dev/attestation/v1",
        ["slsaprovenance"] = "https://slsa.dev/provenance/v0.2",
        ["slsaprovenance02"] = "https://slsa.dev/provenance/v0.2",
        ["slsaprovenance1"] = "https://slsa.dev/provenance/v1",
        ["spdx"] = "https://spdx.dev/Document",
        ["spdxjson"] = "https://spdx.dev/Document",
        ["cyclonedx"] = "https://cyclonedx.org/bom",
        ["link"] = "https://in-toto.io/Link/v1",
        ["vuln"] = "https://cosign.sigstore.dev/attestation/vuln/v1",
        ["openvex"] = "https://openvex.dev/ns",
    };

    /// <summary>The URI for a short name; anything else is returned unchanged.</summary>
    public static string Normalize(string type) => ShortNames.TryGetValue(type, out var uri) ? uri : type;

    /// <summary>Exact comparison after normalising the wanted type.</summary>
    public static VerificationResult Match(InTotoStatement statement, string wanted)
    {
        var uri = Normalize(wanted);
        return string.Equals(statement.PredicateType, uri, StringComparison.Ordinal)
            ? VerificationResult.Success
            : VerificationResult.Fail($"predicate type mismatch: required predicate type {uri} not found, found [{statement.PredicateType}]");
    }
}
