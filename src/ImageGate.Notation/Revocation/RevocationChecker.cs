using System.Security.Cryptography.X509Certificates;
using ImageGate.Notation.Certificates;
using ImageGate.Notation.Envelopes;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace ImageGate.Notation.Revocation;

/// <summary>Revocation status of one certificate.</summary>
internal enum RevocationStatus
{
    Good,
    NonRevokable,
    Revoked,
    Unknown,
}

/// <summary>OCSP (falling back to CRL) for every certificate of a chain except the root, as Notary does.</summary>
internal static class RevocationChecker
{
    private static readonly TimeSpan OcspTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CrlTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private const int MaxUrls = 4;
    private const string OcspSigningEku = "1.3.6.1.5.5.7.3.9";
    private const string RsaPss = "1.2.840.113549.1.1.10";

    /// <summary>Checks the chain; throws a revocation failure (of <paramref name="kind"/>) or returns notices when offline.</summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<X509Certificate2> chain, NotaryVerifyOptions options,
        DateTimeOffset now, string chainName, NotaryFailureKind kind)
    {
        var notices = new List<string>();
        var fetcher = options.RevocationFetcher ?? HttpRevocationFetcher.Instance;
        for (var i = 0; i < chain.Count - 1; i++)
        {
            var cert = new BcCertificate(chain[i].RawData);
            var issuer = new BcCertificate(chain[i + 1].RawData);
            var ocspUrls = OcspUrls(cert);
            var crlUrls = CrlUrls(cert);
            if (ocspUrls.Count == 0 && crlUrls.Count == 0)
            {
                continue;
            }
            var who = CertificateChainRules.Describe(chain[i]);
            if (options.OfflineRevocation)
            {
                notices.Add($"revocation of {chainName} certificate {who} was not checked (offline revocation)");
                continue;
            }
            var problems = new List<string>();
            var status = RevocationStatus.Unknown;
            string? detail = null;
            if (ocspUrls.Count > 0)
            {
                (status, detail) = CheckOcsp(cert, issuer, ocspUrls, fetcher, now, problems);
            }
            if (status == RevocationStatus.Unknown && crlUrls.Count > 0)
            {
                (status, detail) = CheckCrl(cert, issuer, crlUrls, fetcher, now, problems);
            }
            switch (status)
            {
                case RevocationStatus.Revoked:
                    throw new NotaryException(kind, $"{chainName} certificate {who} is revoked ({detail})");
                case RevocationStatus.Unknown:
                    throw new NotaryException(kind,
                        $"revocation status of {chainName} certificate {who} is unknown: {string.Join("; ", problems)} (use offline revocation to continue without it)");
            }
        }
        return notices;
    }

    private static (RevocationStatus, string?) CheckOcsp(BcCertificate cert, BcCertificate issuer, List<string> urls,
        IRevocationFetcher fetcher, DateTimeOffset now, List<string> problems)
    {
        var id = new CertificateID(CertificateID.DigestSha1, issuer, cert.SerialNumber);
        var generator = new OcspReqGenerator();
        generator.AddRequest(id);
        var request = generator.Generate().GetEncoded();
        foreach (var url in urls)
        {
            try
            {
                var uri = RequireHttp(url);
                var get = url.TrimEnd('/') + "/" + Uri.EscapeDataString(Convert.ToBase64String(request));
                var bytes = get.Length < 255
                    ? fetcher.Fetch(new Uri(get), null, null, OcspTimeout)
                    : fetcher.Fetch(uri, request, "application/ocsp-request", OcspTimeout);
                var status = ParseOcsp(bytes, cert, issuer, now, out var detail);
                if (status != RevocationStatus.Unknown)
                {
                    return (status, $"OCSP {url}: {detail}");
                }
                problems.Add($"OCSP {url}: {detail}");
            }
            catch (Exception e) when (e is not NotaryException and not OutOfMemoryException)
            {
                problems.Add($"OCSP {url}: {e.Message}");
            }
        }
        return (RevocationStatus.Unknown, null);
    }

    private static RevocationStatus ParseOcsp(byte[] bytes, BcCertificate cert, BcCertificate issuer, DateTimeOffset now, out string detail)
    {
        var response = new OcspResp(bytes);
        if (response.Status != OcspRespStatus.Successful)
        {
            detail = $"responder status {response.Status}";
            return RevocationStatus.Unknown;
        }
        if (response.GetResponseObject() is not BasicOcspResp basic)
        {
            detail = "not a basic OCSP response";
            return RevocationStatus.Unknown;
        }
        if (!ResponderTrusted(basic, issuer))
        {
            detail = "the response is not signed by the issuer or a responder it authorised";
            return RevocationStatus.Unknown;
        }
        foreach (var single in basic.Responses.Take(100))
        {
            var sid = single.GetCertID();
            if (!sid.SerialNumber.Equals(cert.SerialNumber) || !sid.MatchesIssuer(issuer))
            {
                continue;
            }
            if (single.ThisUpdate > now.UtcDateTime + ClockSkew)
            {
                detail = "the response's thisUpdate is in the future";
                return RevocationStatus.Unknown;
            }
            if (single.NextUpdate is { } next && next < now.UtcDateTime - ClockSkew)
            {
                detail = $"the response expired at {HeaderRules.Format(next)}";
                return RevocationStatus.Unknown;
            }
            switch (single.GetCertStatus())
            {
                case null:
                    detail = "good";
                    return RevocationStatus.Good;
                case RevokedStatus revoked:
                    var reason = revoked.HasRevocationReason ? ReasonName(revoked.RevocationReason) : "unspecified";
                    detail = $"revoked at {HeaderRules.Format(revoked.RevocationTime)}, reason {reason}";
                    return RevocationStatus.Revoked;
                default:
                    detail = "the responder does not know the certificate";
                    return RevocationStatus.Unknown;
            }
        }
        detail = "the response does not cover the certificate";
        return RevocationStatus.Unknown;
    }

    private static bool ResponderTrusted(BasicOcspResp basic, BcCertificate issuer)
    {
        if (Verifies(basic, issuer))
        {
            return true;
        }
        foreach (var responder in basic.GetCerts().Take(10))
        {
            if (responder.IssuerDN.Equivalent(issuer.SubjectDN) &&
                CertificateChainRules.SignedBy(Platform(responder), Platform(issuer)) &&
                responder.GetExtendedKeyUsage()?.Any(o => o.Id == OcspSigningEku) == true && Verifies(basic, responder))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Verifies(BasicOcspResp basic, BcCertificate signer)
    {
        try
        {
            return X509Signatures.Verify(basic.GetTbsResponseData(), basic.SignatureAlgorithm.Algorithm.Id, basic.GetSignature(), Platform(signer))
                || basic.SignatureAlgorithm.Algorithm.Id == RsaPss && basic.Verify(signer.GetPublicKey());
        }
        catch (Exception e) when (e is OcspException or Org.BouncyCastle.Security.GeneralSecurityException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool CrlSignedBy(X509Crl crl, BcCertificate issuer)
    {
        if (X509Signatures.Verify(crl.GetTbsCertList(), crl.SigAlgOid, crl.GetSignature(), Platform(issuer)))
        {
            return true;
        }
        if (crl.SigAlgOid != RsaPss)
        {
            return false;
        }
        crl.Verify(issuer.GetPublicKey());
        return true;
    }

    private static X509Certificate2 Platform(BcCertificate cert) => X509CertificateLoader.LoadCertificate(cert.GetEncoded());

    private static (RevocationStatus, string?) CheckCrl(BcCertificate cert, BcCertificate issuer, List<string> urls,
        IRevocationFetcher fetcher, DateTimeOffset now, List<string> problems)
    {
        foreach (var url in urls)
        {
            try
            {
                var bytes = fetcher.Fetch(RequireHttp(url), null, null, CrlTimeout);
                var crl = new X509CrlParser().ReadCrl(bytes) ?? throw new FormatException("not a CRL");
                if (!crl.IssuerDN.Equivalent(issuer.SubjectDN))
                {
                    problems.Add($"CRL {url}: issued by '{crl.IssuerDN}', not by the certificate's issuer");
                    continue;
                }
                if (!CrlSignedBy(crl, issuer))
                {
                    problems.Add($"CRL {url}: the signature does not verify with the issuer's key");
                    continue;
                }
                if (crl.ThisUpdate > now.UtcDateTime + ClockSkew || crl.NextUpdate is { } next && next < now.UtcDateTime - ClockSkew)
                {
                    problems.Add($"CRL {url}: not current (thisUpdate {HeaderRules.Format(crl.ThisUpdate)}, nextUpdate {(crl.NextUpdate is { } n ? HeaderRules.Format(n) : "none")})");
                    continue;
                }
                var entry = crl.GetRevokedCertificate(cert.SerialNumber);
                if (entry is null)
                {
                    return (RevocationStatus.Good, $"CRL {url}: not listed");
                }
                var reasonCode = ReasonCode(entry);
                if (reasonCode == 6)
                {
                    // certificateHold is not a revocation.
                    return (RevocationStatus.Good, $"CRL {url}: on hold");
                }
                return (RevocationStatus.Revoked,
                    $"CRL {url}: revoked at {HeaderRules.Format(entry.RevocationDate)}, reason {(reasonCode is { } r ? ReasonName(r) : "unspecified")}");
            }
            catch (Exception e) when (e is not NotaryException and not OutOfMemoryException)
            {
                problems.Add($"CRL {url}: {e.Message}");
            }
        }
        return (RevocationStatus.Unknown, null);
    }

    private static int? ReasonCode(X509CrlEntry entry)
    {
        var value = entry.GetExtensionValue(X509Extensions.ReasonCode);
        return value is null ? null : DerEnumerated.GetInstance(X509ExtensionUtilities.FromExtensionValue(value)).IntValueExact;
    }

    private static string ReasonName(int code) => code switch
    {
        0 => "unspecified", 1 => "keyCompromise", 2 => "cACompromise", 3 => "affiliationChanged", 4 => "superseded",
        5 => "cessationOfOperation", 6 => "certificateHold", 8 => "removeFromCRL", 9 => "privilegeWithdrawn",
        10 => "aACompromise", _ => $"code {code}",
    };

    private static Uri RequireHttp(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
            ? uri
            : throw new NotSupportedException($"only plain http:// revocation URLs are supported, not '{url}'");

    internal static List<string> OcspUrls(BcCertificate cert)
    {
        var urls = new List<string>();
        var value = cert.GetExtensionValue(X509Extensions.AuthorityInfoAccess);
        if (value is null)
        {
            return urls;
        }
        var aia = AuthorityInformationAccess.GetInstance(X509ExtensionUtilities.FromExtensionValue(value));
        foreach (var d in aia.GetAccessDescriptions())
        {
            if (d.AccessMethod.Equals(AccessDescription.IdADOcsp) && d.AccessLocation.TagNo == GeneralName.UniformResourceIdentifier)
            {
                urls.Add(DerIA5String.GetInstance(d.AccessLocation.Name).GetString());
            }
        }
        return [.. urls.Take(MaxUrls)];
    }

    internal static List<string> CrlUrls(BcCertificate cert)
    {
        var urls = new List<string>();
        var value = cert.GetExtensionValue(X509Extensions.CrlDistributionPoints);
        if (value is null)
        {
            return urls;
        }
        var cdp = CrlDistPoint.GetInstance(X509ExtensionUtilities.FromExtensionValue(value));
        foreach (var point in cdp.GetDistributionPoints())
        {
            if (point.DistributionPointName is { Type: DistributionPointName.FullName } name)
            {
                foreach (var g in GeneralNames.GetInstance(name.Name).GetNames())
                {
                    if (g.TagNo == GeneralName.UniformResourceIdentifier)
                    {
                        urls.Add(DerIA5String.GetInstance(g.Name).GetString());
                    }
                }
            }
        }
        return [.. urls.Take(MaxUrls)];
    }
}
