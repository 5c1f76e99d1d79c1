using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageGate.Notation.Certificates;
using ImageGate.Notation.Envelopes;
using ImageGate.Notation.Revocation;
using ImageGate.Notation.Timestamps;

namespace ImageGate.Notation;

/// <summary>Verifies one Notary Project signature envelope against an artifact and an attestor's trust material.</summary>
public static class NotaryVerifier
{
    /// <summary>Largest envelope accepted.</summary>
    public const int MaxEnvelopeBytes = 10 * 1024 * 1024;

    /// <summary>The payload content type Notary signatures carry.</summary>
    public const string PayloadMediaType = ProtectedHeaders.PayloadContentType;

    /// <summary>Envelope media types (the signature manifest's layer media type).</summary>
    public static readonly IReadOnlyList<string> EnvelopeMediaTypes = [JwsEnvelopeParser.MediaType, CoseEnvelopeParser.MediaType];

    /// <summary>Verifies <paramref name="envelope"/> (of layer media type <paramref name="mediaType"/>) as a signature of <paramref name="expectedTarget"/>; never throws for bad input.</summary>
    public static NotaryVerificationResult Verify(byte[] envelope, string mediaType, TargetDescriptor expectedTarget,
        NotaryTrust trust, NotaryVerifyOptions options, DateTimeOffset now)
    {
        ParsedEnvelope? parsed = null;
        var notices = new List<string>();
        DateTimeOffset? timestampTime = null;
        try
        {
            parsed = Parse(envelope, mediaType);
            CheckIntegrity(parsed);
            CheckAuthenticity(parsed, trust);
            if (parsed.Headers.ExpiryValue is { } expiry && now >= expiry)
            {
                throw new NotaryException(NotaryFailureKind.Expiry, $"the signature expired on {HeaderRules.Format(expiry)}");
            }
            var timestamp = CheckSigningTime(parsed, trust, now);
            timestampTime = timestamp?.GenTime;
            notices.AddRange(RevocationChecker.Check(parsed.Chain, options, now, "signing", NotaryFailureKind.Revocation));
            if (timestamp is not null)
            {
                notices.AddRange(RevocationChecker.Check(timestamp.TsaChain, options, now, "TSA", NotaryFailureKind.AuthenticTimestamp));
            }
            CheckTarget(parsed.Payload, expectedTarget);
            return new NotaryVerificationResult
            {
                Verified = true,
                SigningTime = parsed.Headers.SigningTimeValue ?? parsed.Headers.AuthenticSigningTimeValue,
                TimestampTime = timestampTime,
                Certificate = parsed.Chain[0],
                Payload = parsed.Payload,
                Notices = notices,
            };
        }
        catch (Exception e) when (e is not NotaryException and not OutOfMemoryException)
        {
            // A malformed certificate or token can surface as a library exception deep inside a check.
            return Failed(new NotaryException(NotaryFailureKind.Integrity, $"the signature could not be processed: {e.Message}"), parsed, notices, timestampTime);
        }
        catch (NotaryException e)
        {
            return Failed(e, parsed, notices, timestampTime);
        }
    }

    /// <summary>A failed result; the payload is withheld because nothing vouches for it.</summary>
    private static NotaryVerificationResult Failed(NotaryException e, ParsedEnvelope? parsed, List<string> notices,
        DateTimeOffset? timestampTime) => new()
    {
        Verified = false,
        Failure = e.Kind,
        Reason = $"{Describe(e.Kind)}: {e.Message}",
        SigningTime = parsed?.Headers.SigningTimeValue ?? parsed?.Headers.AuthenticSigningTimeValue,
        TimestampTime = timestampTime,
        Certificate = parsed?.Chain[0],
        Notices = notices,
    };

    private static ParsedEnvelope Parse(byte[] envelope, string mediaType)
    {
        if (envelope.Length > MaxEnvelopeBytes)
        {
            throw HeaderRules.Integrity($"the envelope is {envelope.Length} bytes, more than {MaxEnvelopeBytes}");
        }
        return mediaType switch
        {
            JwsEnvelopeParser.MediaType => JwsEnvelopeParser.Parse(envelope),
            CoseEnvelopeParser.MediaType => CoseEnvelopeParser.Parse(envelope),
            _ => throw HeaderRules.Integrity($"unsupported signature envelope media type '{HeaderRules.Truncate(mediaType)}'"),
        };
    }

    /// <summary>Algorithm against the key, the signature itself, then header and chain rules.</summary>
    private static void CheckIntegrity(ParsedEnvelope e)
    {
        var leaf = e.Chain[0];
        var keyAlg = SignatureAlgorithms.FromKey(leaf, out var key)
            ?? throw new NotaryException(NotaryFailureKind.Authenticity,
                $"the signing certificate {CertificateChainRules.Describe(leaf)} has an unsupported key ({key}); RSA 2048/3072/4096 or EC P-256/P-384/P-521 are required");
        if (e.Headers.Algorithm != keyAlg)
        {
            throw HeaderRules.Integrity($"the signature algorithm {e.Headers.Algorithm} does not match the signing key ({key} requires {keyAlg})");
        }
        if (!SignatureAlgorithms.Verify(keyAlg, leaf, e.SignedBytes, e.Signature, e.AnyPssSaltLength))
        {
            throw HeaderRules.Integrity($"the {e.Format} signature does not verify with the signing certificate {CertificateChainRules.Describe(leaf)} (the payload or headers were altered, or another key signed)");
        }
        HeaderRules.Validate(e.Headers);
        CertificateChainRules.Validate(e.Chain, ChainPurpose.CodeSigning);
    }

    /// <summary>Kyverno's trust store: the signingAuthority scheme has no store; otherwise any chain certificate must be trusted.</summary>
    private static void CheckAuthenticity(ParsedEnvelope e, NotaryTrust trust)
    {
        if (e.Headers.Scheme == "notary.x509.signingAuthority")
        {
            throw new NotaryException(NotaryFailureKind.Unsupported,
                "the signing scheme notary.x509.signingAuthority is not supported (attestor certs are a CA trust store, so no signing-authority certificate is trusted)");
        }
        if (trust.Certs.Count == 0)
        {
            throw new NotaryException(NotaryFailureKind.Authenticity, "no trusted certificates are configured (attestor certs is empty)");
        }
        var trusted = e.Chain.Any(c => trust.Certs.Any(t => t.RawData.AsSpan().SequenceEqual(c.RawData)));
        if (!trusted)
        {
            throw new NotaryException(NotaryFailureKind.Authenticity,
                $"the signature's certificate chain (signed by {CertificateChainRules.Describe(e.Chain[0])}, root {CertificateChainRules.Describe(e.Chain[^1])}) does not contain any trusted certificate");
        }
    }

    /// <summary>With tsaCerts a verified timestamp must lie inside every certificate's validity; otherwise "now" must.</summary>
    private static VerifiedTimestamp? CheckSigningTime(ParsedEnvelope e, NotaryTrust trust, DateTimeOffset now)
    {
        if (trust.TsaCerts.Count == 0)
        {
            foreach (var cert in e.Chain)
            {
                if (!CertificateChainRules.IsValidAt(cert, now))
                {
                    throw new NotaryException(NotaryFailureKind.AuthenticTimestamp,
                        $"certificate {CertificateChainRules.Describe(cert)} ({CertificateChainRules.Range(cert)}) is not valid at verification time {HeaderRules.Format(now)} and no timestamp is trusted (attestor tsaCerts is empty)");
                }
            }
            return null;
        }
        if (e.TimestampToken is not { Length: > 0 } token)
        {
            throw new NotaryException(NotaryFailureKind.AuthenticTimestamp,
                "no timestamp countersignature was found in the signature envelope, but tsaCerts requires one");
        }
        var ts = TimestampVerifier.Verify(token, e.Signature, trust.TsaCerts);
        foreach (var cert in e.Chain)
        {
            if (!CertificateChainRules.TryValidity(cert, out var notBefore, out var notAfter))
            {
                throw new NotaryException(NotaryFailureKind.AuthenticTimestamp,
                    $"certificate {CertificateChainRules.Describe(cert)} has a validity period that cannot be read");
            }
            if (ts.Earliest.UtcDateTime < notBefore)
            {
                throw new NotaryException(NotaryFailureKind.AuthenticTimestamp,
                    $"the timestamp {HeaderRules.Format(ts.GenTime)} is before the validity of certificate {CertificateChainRules.Describe(cert)} ({CertificateChainRules.Range(cert)})");
            }
            if (ts.Latest.UtcDateTime > notAfter)
            {
                throw new NotaryException(NotaryFailureKind.AuthenticTimestamp,
                    $"the timestamp {HeaderRules.Format(ts.GenTime)} is after the validity of certificate {CertificateChainRules.Describe(cert)} ({CertificateChainRules.Range(cert)})");
            }
        }
        return ts;
    }

    private static void CheckTarget(byte[] payload, TargetDescriptor expected)
    {
        var target = SignedPayload.Parse(payload);
        if (target.MediaType != expected.MediaType)
        {
            throw Mismatch($"the signature covers media type '{target.MediaType}', the artifact is '{expected.MediaType}'");
        }
        if (target.Digest != expected.Digest)
        {
            throw Mismatch($"the signature covers digest {target.Digest}, the artifact is {expected.Digest}");
        }
        if (target.Size != expected.Size)
        {
            throw Mismatch($"the signature covers size {target.Size}, the artifact is {expected.Size} bytes");
        }
    }

    private static NotaryException Mismatch(string message) => new(NotaryFailureKind.TargetMismatch, message);

    private static string Describe(NotaryFailureKind kind) => kind switch
    {
        NotaryFailureKind.Integrity => "signature integrity",
        NotaryFailureKind.Unsupported => "unsupported signature",
        NotaryFailureKind.Authenticity => "signature authenticity",
        NotaryFailureKind.Expiry => "signature expiry",
        NotaryFailureKind.AuthenticTimestamp => "signing time",
        NotaryFailureKind.Revocation => "revocation",
        _ => "signed artifact",
    };
}

/// <summary>The Notary payload: <c>{"targetArtifact": descriptor}</c>.</summary>
internal static class SignedPayload
{
    /// <summary>Reads the target descriptor from verified payload bytes.</summary>
    public static TargetDescriptor Parse(byte[] payload)
    {
        try
        {
            using var doc = StrictJson.Parse(payload, 32, reason => Bad($"the payload is {reason}"));
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty("targetArtifact", out var t) || t.ValueKind != JsonValueKind.Object)
            {
                throw Bad("the payload has no 'targetArtifact' object");
            }
            var mediaType = t.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : throw Bad("targetArtifact has no mediaType string");
            var digest = t.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : throw Bad("targetArtifact has no digest string");
            var size = t.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n) && n >= 0
                ? n : throw Bad("targetArtifact has no non-negative integer size");
            return new TargetDescriptor(mediaType, digest, size);
        }
        catch (JsonException e)
        {
            throw Bad($"the payload is not valid JSON: {e.Message}");
        }
    }

    private static Exception Bad(string message) => new NotaryException(NotaryFailureKind.Integrity, message);
}
