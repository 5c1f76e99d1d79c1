using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ImageGate.Sigstore.Certificates;

/// <summary>An accepted keyless identity: subject (SAN) and OIDC issuer, each exact or by regular expression; empty means any.</summary>
public sealed record CertificateIdentity(string? Subject = null, string? Issuer = null, string? SubjectRegExp = null, string? IssuerRegExp = null)
{
    /// <summary>True when the identity constrains the subject.</summary>
    public bool HasSubject => !string.IsNullOrEmpty(Subject) || !string.IsNullOrEmpty(SubjectRegExp);

    /// <summary>True when the identity constrains the issuer.</summary>
    public bool HasIssuer => !string.IsNullOrEmpty(Issuer) || !string.IsNullOrEmpty(IssuerRegExp);

    /// <inheritdoc/>
    public override string ToString() =>
        $"subject {(SubjectRegExp is { Length: > 0 } ? "~/" + SubjectRegExp + "/" : Quote(Subject))}, issuer {(IssuerRegExp is { Length: > 0 } ? "~/" + IssuerRegExp + "/" : Quote(Issuer))}";

    private static string Quote(string? s) => string.IsNullOrEmpty(s) ? "(any)" : "\"" + s + "\"";
}

/// <summary>The identity a Fulcio certificate carries: its SAN values and OIDC issuer.</summary>
public sealed record FulcioIdentity(IReadOnlyList<string> SubjectAlternativeNames, string? PrimarySubject, string? Issuer)
{
    private const string SanOid = "2.5.29.17";
    private const string IssuerV1Oid = "1.3.6.1.4.1.57264.1.1";
    private const string IssuerV2Oid = "1.3.6.1.4.1.57264.1.8";

    /// <summary>Reads SANs (URI, e-mail, DNS, IP, otherName) and the issuer (OID .1.8 as DER UTF8String, else .1.1 raw).</summary>
    public static FulcioIdentity FromCertificate(X509Certificate2 cert)
    {
        var uris = new List<string>();
        var emails = new List<string>();
        var others = new List<string>();
        var all = new List<string>();
        string? issuerV1 = null, issuerV2 = null;
        foreach (var ext in cert.Extensions)
        {
            switch (ext.Oid?.Value)
            {
                case SanOid:
                    ReadSans(ext.RawData, uris, emails, others, all);
                    break;
                case IssuerV1Oid:
                    issuerV1 = Encoding.UTF8.GetString(ext.RawData);
                    break;
                case IssuerV2Oid:
                    try
                    {
                        issuerV2 = new AsnReader(ext.RawData, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String);
                    }
                    catch (AsnContentException)
                    {
                        throw Fail.With("malformed certificate: the OIDC issuer extension (1.3.6.1.4.1.57264.1.8) is not a UTF8String");
                    }
                    break;
            }
        }
        // sigstore-go's order: first URI, else first e-mail, else an otherName.
        var primary = uris.FirstOrDefault() ?? emails.FirstOrDefault() ?? others.FirstOrDefault();
        return new FulcioIdentity(all, primary, issuerV2 ?? issuerV1);
    }

    private static void ReadSans(byte[] raw, List<string> uris, List<string> emails, List<string> others, List<string> all)
    {
        try
        {
            var seq = new AsnReader(raw, AsnEncodingRules.DER).ReadSequence();
            for (var i = 0; seq.HasData && i < 100; i++)
            {
                var tag = seq.PeekTag();
                if (tag.TagClass != TagClass.ContextSpecific)
                {
                    seq.ReadEncodedValue();
                    continue;
                }
                switch (tag.TagValue)
                {
                    case 0: // otherName: SEQUENCE { type-id OID, [0] EXPLICIT value }
                        var other = seq.ReadSequence(tag);
                        other.ReadObjectIdentifier();
                        var explicitValue = other.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true));
                        var value = explicitValue.ReadCharacterString(UniversalTagNumber.UTF8String);
                        others.Add(value);
                        all.Add(value);
                        break;
                    case 1:
                        var email = seq.ReadCharacterString(UniversalTagNumber.IA5String, tag);
                        emails.Add(email);
                        all.Add(email);
                        break;
                    case 2:
                        all.Add(seq.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                        break;
                    case 6:
                        var uri = seq.ReadCharacterString(UniversalTagNumber.IA5String, tag);
                        uris.Add(uri);
                        all.Add(uri);
                        break;
                    case 7:
                        all.Add(new IPAddress(seq.ReadOctetString(tag)).ToString());
                        break;
                    default:
                        seq.ReadEncodedValue();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException)
        {
            throw Fail.With($"malformed certificate: unreadable subject alternative name: {ex.Message}");
        }
    }

    /// <summary>Checks the identity against the accepted ones (any of them may match). With <paramref name="anySan"/> every SAN
    /// is tried (cosign's legacy path), otherwise only the primary SAN (sigstore-go's bundle path), decision E9.</summary>
    public VerificationResult Match(IReadOnlyList<CertificateIdentity> accepted, bool anySan)
    {
        if (accepted.Count == 0)
        {
            return VerificationResult.Fail("no certificate identity configured: keyless verification needs a subject and issuer");
        }
        string? firstReason = null;
        foreach (var identity in accepted)
        {
            var reason = MatchOne(identity, anySan);
            if (reason is null)
            {
                return VerificationResult.Success;
            }
            firstReason ??= reason;
        }
        return VerificationResult.Fail(accepted.Count == 1 ? firstReason! : $"certificate identity mismatch: none of {accepted.Count} identities matched (first: {firstReason})");
    }

    private string? MatchOne(CertificateIdentity id, bool anySan)
    {
        var candidates = anySan ? SubjectAlternativeNames : PrimarySubject is null ? [] : [PrimarySubject];
        if (!string.IsNullOrEmpty(id.Subject) && !candidates.Contains(id.Subject, StringComparer.Ordinal))
        {
            return $"certificate identity mismatch: subject {Describe(candidates)} does not match \"{id.Subject}\"";
        }
        if (!string.IsNullOrEmpty(id.SubjectRegExp) && !candidates.Any(c => IdentityRegex.IsMatch(id.SubjectRegExp, c)))
        {
            return $"certificate identity mismatch: subject {Describe(candidates)} does not match regular expression \"{id.SubjectRegExp}\"";
        }
        if (!string.IsNullOrEmpty(id.Issuer) && !string.Equals(Issuer, id.Issuer, StringComparison.Ordinal))
        {
            return $"certificate issuer mismatch: issuer \"{Issuer ?? "(none)"}\" does not match \"{id.Issuer}\"";
        }
        if (!string.IsNullOrEmpty(id.IssuerRegExp) && (Issuer is null || !IdentityRegex.IsMatch(id.IssuerRegExp, Issuer)))
        {
            return $"certificate issuer mismatch: issuer \"{Issuer ?? "(none)"}\" does not match regular expression \"{id.IssuerRegExp}\"";
        }
        return null;
    }

    private static string Describe(IReadOnlyList<string> values) =>
        values.Count == 0 ? "(none)" : string.Join(", ", values.Take(5).Select(v => "\"" + v + "\""));
}
