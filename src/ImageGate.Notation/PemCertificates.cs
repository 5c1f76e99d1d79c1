using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace ImageGate.Notation;

/// <summary>Strict PEM certificate list parsing: every block must be a certificate, nothing else may appear.</summary>
public static partial class PemCertificates
{
    private const int MaxCertificates = 100;

    /// <summary>Parses PEM text into certificates; <paramref name="what"/> names the field in error messages.</summary>
    public static IReadOnlyList<X509Certificate2> Parse(string? pem, string what)
    {
        var result = new List<X509Certificate2>();
        if (string.IsNullOrWhiteSpace(pem))
        {
            return result;
        }
        var rest = pem.AsSpan();
        while (true)
        {
            rest = rest.TrimStart();
            if (rest.IsEmpty)
            {
                return result;
            }
            var match = Block().Match(rest.ToString());
            if (!match.Success || match.Index != 0)
            {
                throw new FormatException($"{what}: text outside a PEM block at certificate {result.Count + 1}");
            }
            if (match.Groups[1].Value != "CERTIFICATE")
            {
                throw new FormatException($"{what}: PEM block {result.Count + 1} is a '{match.Groups[1].Value}', not a CERTIFICATE");
            }
            if (result.Count >= MaxCertificates)
            {
                throw new FormatException($"{what}: more than {MaxCertificates} certificates");
            }
            byte[] der;
            try
            {
                der = Convert.FromBase64String(match.Groups[2].Value);
                result.Add(X509CertificateLoader.LoadCertificate(der));
            }
            catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
            {
                throw new FormatException($"{what}: certificate {result.Count + 1} cannot be parsed: {e.Message}");
            }
            rest = rest[match.Length..];
        }
    }

    [GeneratedRegex(@"\A-----BEGIN ([A-Z0-9 ]+)-----\s*([A-Za-z0-9+/=\s]*?)-----END \1-----")]
    private static partial Regex Block();
}
