using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Formats;
using ImageGate.Sigstore.Timestamps;
using ImageGate.Sigstore.Transparency;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Bundles;

/// <summary>The common verification flow (sigstore-go's order): transparency log, timestamps, certificate and identity at the
/// observed times, then the signature itself.</summary>
internal static class SignedEntityVerifier
{
    private const int MaxTlogEntries = 32;
    private const int MaxTimestamps = 32;

    public static SignatureVerificationResult Verify(SignedEntity entity, VerificationPolicy policy, string? artifactDigest)
    {
        try
        {
            return VerifyOrThrow(entity, policy, artifactDigest);
        }
        catch (SigstoreVerificationException ex)
        {
            return new SignatureVerificationResult(false, ex.Message);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return new SignatureVerificationResult(false, $"malformed {entity.What}: {ex.Message}");
        }
    }

    private static SignatureVerificationResult VerifyOrThrow(SignedEntity entity, VerificationPolicy policy, string? artifactDigest)
    {
        var trust = policy.EffectiveTrust;
        var times = new List<DateTimeOffset>();

        // Log inclusion first (it yields the observed times); whether each entry describes this very signature is
        // checked after the certificate and signature, so that those failures carry their own reasons.
        if (!policy.IgnoreTlog)
        {
            times.AddRange(VerifyTlog(entity, trust));
        }
        times.AddRange(VerifyTimestamps(entity, policy, trust));
        var noObservedTime = times.Count == 0;
        if (noObservedTime && !policy.IgnoreTlog)
        {
            // Log entries without a promise (Rekor v2) prove inclusion but no time: a signed timestamp must give it.
            throw Fail.With("no verified signing time: the transparency log entries carry no signed entry timestamp and no RFC 3161 timestamp verified");
        }
        if (noObservedTime)
        {
            times.Add(policy.Now ?? DateTimeOffset.UtcNow);
        }

        VerificationKey? ownedKey;
        try
        {
            ownedKey = policy.Key is null ? KeyFromMaterial(entity, policy, trust, times) : null;
        }
        catch (SigstoreVerificationException ex) when (noObservedTime && ex.Message.Contains("expired", StringComparison.Ordinal))
        {
            // cosign's wording: with no verified time the certificate is checked now, and Fulcio certificates live minutes.
            throw Fail.With("expected a signed timestamp to verify an expired certificate: " + ex.Message);
        }
        using var disposeKey = ownedKey;
        var key = policy.Key ?? ownedKey!;
        FulcioIdentity? identity = policy.Key is null && policy.Certificate is null && entity.Certificate is not null
            ? FulcioIdentity.FromCertificate(entity.Certificate)
            : null;

        // A configured key uses the configured hash (Kyverno's hashAlgorithm). A certificate key is tried with SHA-256 (cosign)
        // and with its curve's own hash (sigstore-go's default verifier), so P-384/P-521 certificates verify either way.
        var hash = policy.Key is null ? CertificateHash(key) : policy.KeyHash;
        var allowPss = policy.Key is null || policy.AllowRsaPss;
        InTotoStatement? statement = null;
        if (entity.Envelope is { } envelope)
        {
            VerifyDsse(envelope, key, hash, allowPss, policy.Key is null);
            if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
            {
                throw Fail.With($"unsupported DSSE payload type '{envelope.PayloadType}' (expected {DsseEnvelope.InTotoPayloadType})");
            }
            statement = InTotoStatement.Parse(envelope.Payload);
            if (artifactDigest is not null)
            {
                var subject = statement.CheckSubject(artifactDigest);
                if (!subject.Verified)
                {
                    throw Fail.With(subject.FailureReason!);
                }
            }
        }
        else
        {
            VerifyMessage(entity, key, hash, allowPss, policy.Key is null, artifactDigest);
        }
        if (!policy.IgnoreTlog)
        {
            foreach (var entry in entity.TlogEntries)
            {
                TlogBodyCheck.Verify(entry, entity, policy);
            }
        }
        return new SignatureVerificationResult(true, null)
        {
            Statement = statement,
            Payload = entity.Envelope?.Payload,
            Identity = identity,
            ObservedTimes = times,
        };
    }

    private static HashAlgorithmName CertificateHash(VerificationKey key) => key.Description switch
    {
        "ECDSA P-384" => HashAlgorithmName.SHA384,
        "ECDSA P-521" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    private static void VerifyDsse(DsseEnvelope envelope, VerificationKey key, HashAlgorithmName hash, bool allowPss, bool fromCertificate)
    {
        if (envelope.Signatures.Count == 0)
        {
            throw Fail.With("DSSE envelope has no signatures");
        }
        var pae = envelope.Pae();
        string? reason = null;
        foreach (var sig in envelope.Signatures)
        {
            var r = VerifyWithFallback(key, pae, sig.Sig, hash, allowPss, fromCertificate);
            if (r.Verified)
            {
                return;
            }
            reason ??= r.FailureReason;
        }
        throw Fail.With("DSSE envelope " + reason);
    }

    private static VerificationResult VerifyWithFallback(VerificationKey key, byte[] data, byte[] signature, HashAlgorithmName hash, bool allowPss, bool fromCertificate)
    {
        var r = SignatureChecks.VerifyKeySignature(key, data, signature, hash, allowPss);
        // Only certificate keys get a second hash: a configured key's hash is exactly what the policy says.
        if (!r.Verified && hash != HashAlgorithmName.SHA256 && key.Kind == KeyKind.Ecdsa && fromCertificate
            && SignatureChecks.VerifyKeySignature(key, data, signature, HashAlgorithmName.SHA256, allowPss).Verified)
        {
            return VerificationResult.Success;
        }
        return r;
    }

    private static void VerifyMessage(SignedEntity entity, VerificationKey key, HashAlgorithmName hash, bool allowPss, bool fromCertificate, string? artifactDigest)
    {
        if (entity.MessageBytes is { } message)
        {
            var actual = SHA256.HashData(message);
            if (entity.MessageDigest is { } claimed && !claimed.AsSpan().SequenceEqual(actual))
            {
                throw Fail.With($"artifact digest mismatch: the bundle signs sha256:{Codec.Hex(claimed)}, the artifact is sha256:{Codec.Hex(actual)}");
            }
            var r = VerifyWithFallback(key, message, entity.Signature, hash, allowPss, fromCertificate);
            if (!r.Verified)
            {
                throw Fail.With(r.FailureReason!);
            }
            return;
        }
        // Only the artifact digest is known: the bundle's digest must equal it and the signature must verify over it.
        var digest = entity.MessageDigest ?? throw Fail.With("message signature without a message digest and without the artifact");
        if (artifactDigest is not null && !string.Equals("sha256:" + Codec.Hex(digest), artifactDigest, StringComparison.OrdinalIgnoreCase))
        {
            throw Fail.With($"artifact digest mismatch: the bundle signs sha256:{Codec.Hex(digest)}, the artifact is {artifactDigest}");
        }
        if ((hash != HashAlgorithmName.SHA256 && !fromCertificate) || !key.VerifyDigest(digest, entity.Signature, HashAlgorithmName.SHA256))
        {
            throw Fail.With(SignatureChecks.MismatchReason(key, hash));
        }
    }

    /// <summary>Resolves the verification key from a certificate attestor or the signature's own certificate (keyless).</summary>
    private static VerificationKey KeyFromMaterial(SignedEntity entity, VerificationPolicy policy, TrustedMaterial trust, List<DateTimeOffset> times)
    {
        if (policy.Certificate is { } attestorCert)
        {
            if (policy.CertificateChain.Count > 0)
            {
                var ca = new CertificateAuthority("certificate.certChain", policy.CertificateChain.Take(policy.CertificateChain.Count - 1).ToList(), [policy.CertificateChain[^1]], ValidityWindow.Always);
                if (!ChainVerifier.TryValidity(attestorCert, out var notBefore, out _))
                {
                    throw Fail.With("certificate has a validity period that cannot be read");
                }
                var chain = ChainVerifier.Verify(attestorCert, [ca], notBefore, ChainVerifier.CodeSigningEku, "certificate");
                if (!policy.IgnoreSct)
                {
                    SctVerifier.VerifyOrThrow(attestorCert, chain.Count > 1 ? chain[1] : chain[0], trust.CtLogs);
                }
            }
            return VerificationKey.FromCertificate(attestorCert);
        }
        var leaf = entity.Certificate ?? throw Fail.With($"{entity.What} has no certificate, and no key is configured");
        foreach (var t in times)
        {
            var chain = ChainVerifier.Verify(leaf, trust.CertificateAuthorities, t, ChainVerifier.CodeSigningEku, "signing certificate", entity.Chain);
            if (!policy.IgnoreSct && t == times[0])
            {
                SctVerifier.VerifyOrThrow(leaf, chain.Count > 1 ? chain[1] : chain[0], trust.CtLogs);
            }
        }
        var identity = FulcioIdentity.FromCertificate(leaf).Match(policy.Identities, entity.AnySan);
        if (!identity.Verified)
        {
            throw Fail.With(identity.FailureReason!);
        }
        return VerificationKey.FromCertificate(leaf);
    }

    private static List<DateTimeOffset> VerifyTlog(SignedEntity entity, TrustedMaterial trust)
    {
        if (entity.TlogEntries.Count == 0)
        {
            throw Fail.With($"{entity.What} has no transparency log entry, and the transparency log is required");
        }
        if (entity.TlogEntries.Count > MaxTlogEntries)
        {
            throw Fail.With($"{entity.What} has more than {MaxTlogEntries} transparency log entries");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var times = new List<DateTimeOffset>();
        string? lastError = null;
        var verified = 0;
        foreach (var entry in entity.TlogEntries)
        {
            if (!seen.Add(Codec.Hex(entry.LogId) + "/" + entry.LogIndex))
            {
                throw Fail.With("duplicate transparency log entry");
            }
            if (entry.SignedEntryTimestamp is null && entry.Proof is null)
            {
                throw Fail.With("transparency log entry has neither an inclusion promise nor an inclusion proof");
            }
            if (entry.Proof is not null)
            {
                RekorVerifier.VerifyProofOrThrow(entry, trust.TransparencyLogs);
            }
            if (entry.SignedEntryTimestamp is not null)
            {
                var set = RekorVerifier.VerifySignedEntryTimestamp(entry, trust.TransparencyLogs);
                if (!set.Verified)
                {
                    lastError = set.FailureReason;
                    continue;
                }
                times.Add(DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime));
            }
            verified++;
        }
        if (verified == 0)
        {
            throw Fail.With("transparency log verification failed: " + lastError);
        }
        return times;
    }

    private static List<DateTimeOffset> VerifyTimestamps(SignedEntity entity, VerificationPolicy policy, TrustedMaterial trust)
    {
        var required = policy.RequireTimestamp || trust.ExplicitTimestampAuthority;
        var times = new List<DateTimeOffset>();
        if (!required && (!entity.VerifyAllTimestamps || trust.TimestampAuthorities.Count == 0))
        {
            return times;
        }
        if (entity.Timestamps.Count > MaxTimestamps)
        {
            throw Fail.With($"{entity.What} has more than {MaxTimestamps} timestamps");
        }
        var signed = entity.EnvelopeBytes ?? entity.Signature;
        if (entity.Envelope is { Signatures.Count: > 0 } env && entity.EnvelopeBytes is null)
        {
            signed = env.Signatures[0].Sig;
        }
        string? lastError = null;
        foreach (var ts in entity.Timestamps)
        {
            try
            {
                times.Add(TimestampVerifier.Verify(ts, signed, trust.TimestampAuthorities));
            }
            catch (SigstoreVerificationException ex)
            {
                if (entity.VerifyAllTimestamps)
                {
                    throw;
                }
                lastError = ex.Message;
            }
        }
        if (required && times.Count == 0)
        {
            throw Fail.With(lastError ?? $"{entity.What} has no RFC 3161 timestamp, and a signed timestamp is required");
        }
        return times;
    }
}
