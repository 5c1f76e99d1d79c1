using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace ImageGate.Notation.Envelopes;

/// <summary>Parses a flattened JWS JSON envelope (application/jose+json) without re-serialising anything.</summary>
internal static class JwsEnvelopeParser
{
    public const string MediaType = "application/jose+json";
    public const int MaxChain = 10;

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 32 };

    public static ParsedEnvelope Parse(byte[] envelope)
    {
        using var doc = ParseJson(envelope, "envelope");
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw HeaderRules.Integrity("JWS envelope is not a JSON object");
        }
        var payloadB64 = RequiredString(root, "payload", "JWS envelope");
        var protectedB64 = RequiredString(root, "protected", "JWS envelope");
        var signatureB64 = RequiredString(root, "signature", "JWS envelope");
        if (!root.TryGetProperty("header", out var unprotected) || unprotected.ValueKind != JsonValueKind.Object)
        {
            throw HeaderRules.Integrity("JWS envelope has no unprotected 'header' object");
        }

        var payload = DecodeBase64Url(payloadB64, "payload");
        var protectedBytes = DecodeBase64Url(protectedB64, "protected");
        var signature = DecodeBase64Url(signatureB64, "signature");

        var chain = ReadChain(unprotected);
        byte[]? timestamp = null;
        if (unprotected.TryGetProperty("io.cncf.notary.timestampSignature", out var ts))
        {
            if (ts.ValueKind != JsonValueKind.String || !TryStdBase64(ts.GetString()!, out timestamp))
            {
                throw HeaderRules.Integrity("'io.cncf.notary.timestampSignature' is not a base64 string");
            }
        }

        return new ParsedEnvelope
        {
            Format = "JWS",
            Headers = ReadProtected(protectedBytes),
            Chain = chain,
            Payload = payload,
            Signature = signature,
            // The signing input is the received text, byte for byte.
            SignedBytes = Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64),
            AnyPssSaltLength = true,
            TimestampToken = timestamp,
        };
    }

    private static ProtectedHeaders ReadProtected(byte[] bytes)
    {
        using var doc = ParseJson(bytes, "protected header");
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw HeaderRules.Integrity("JWS protected header is not a JSON object");
        }
        var h = new ProtectedHeaders();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            h.Present.Add(p.Name);
            switch (p.Name)
            {
                case "alg":
                    h.Algorithm = StringValue(p);
                    if (!SignatureAlgorithms.IsSupported(h.Algorithm))
                    {
                        throw HeaderRules.Integrity($"unsupported signature algorithm '{HeaderRules.Truncate(h.Algorithm)}'");
                    }
                    break;
                case "cty":
                    h.ContentType = StringValue(p);
                    break;
                case "crit":
                    if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() > HeaderRules.MaxCritical)
                    {
                        throw HeaderRules.Integrity($"'crit' must be an array of at most {HeaderRules.MaxCritical} strings");
                    }
                    h.Critical = [.. p.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
                        ? e.GetString()! : throw HeaderRules.Integrity("'crit' entries must be strings"))];
                    break;
                case ProtectedHeaders.SigningScheme:
                    h.Scheme = StringValue(p);
                    break;
                case ProtectedHeaders.SigningTime:
                    h.SigningTimeValue = HeaderRules.ParseRfc3339(StringValue(p), p.Name);
                    break;
                case ProtectedHeaders.AuthenticSigningTime:
                    h.AuthenticSigningTimeValue = HeaderRules.ParseRfc3339(StringValue(p), p.Name);
                    break;
                case ProtectedHeaders.Expiry:
                    h.ExpiryValue = HeaderRules.ParseRfc3339(StringValue(p), p.Name);
                    break;
                case ProtectedHeaders.VerificationPlugin:
                case ProtectedHeaders.VerificationPluginMinVersion:
                    StringValue(p);
                    break;
            }
        }
        if (h.Algorithm is null)
        {
            throw HeaderRules.Integrity("missing protected header 'alg'");
        }
        return h;
    }

    private static List<X509Certificate2> ReadChain(JsonElement unprotected)
    {
        if (!unprotected.TryGetProperty("x5c", out var x5c) || x5c.ValueKind != JsonValueKind.Array)
        {
            throw HeaderRules.Integrity("JWS unprotected header has no 'x5c' certificate array");
        }
        var n = x5c.GetArrayLength();
        if (n == 0 || n > MaxChain)
        {
            throw HeaderRules.Integrity($"'x5c' must hold 1 to {MaxChain} certificates, found {n}");
        }
        var chain = new List<X509Certificate2>(n);
        foreach (var e in x5c.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String || !TryStdBase64(e.GetString()!, out var der))
            {
                throw HeaderRules.Integrity($"'x5c' entry {chain.Count} is not a base64 string");
            }
            chain.Add(CertificateParsing.Load(der, $"'x5c' entry {chain.Count}"));
        }
        return chain;
    }

    private static JsonDocument ParseJson(byte[] bytes, string what) =>
        StrictJson.Parse(bytes, Strict.MaxDepth, reason => HeaderRules.Integrity($"JWS {what} is {reason}"));

    private static string RequiredString(JsonElement obj, string name, string where) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw HeaderRules.Integrity($"{where} has no '{name}' string");

    private static string StringValue(JsonProperty p) =>
        p.Value.ValueKind == JsonValueKind.String
            ? p.Value.GetString()!
            : throw HeaderRules.Integrity($"protected header '{p.Name}' must be a string");

    /// <summary>Strict base64url: URL alphabet only, no padding.</summary>
    internal static byte[] DecodeBase64Url(string value, string what)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                throw HeaderRules.Integrity($"JWS '{what}' is not unpadded base64url (character '{c}')");
            }
        }
        try
        {
            return Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            throw HeaderRules.Integrity($"JWS '{what}' is not valid base64url");
        }
    }

    private static bool TryStdBase64(string value, out byte[] bytes)
    {
        bytes = [];
        if (value.Length % 4 != 0 || value.Any(char.IsWhiteSpace))
        {
            return false;
        }
        try
        {
            bytes = Convert.FromBase64String(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>Certificate loading with envelope-specific error messages.</summary>
internal static class CertificateParsing
{
    public static X509Certificate2 Load(byte[] der, string what)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw HeaderRules.Integrity($"{what} is not an X.509 certificate: {e.Message}");
        }
    }
}
