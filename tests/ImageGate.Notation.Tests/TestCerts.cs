using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImageGate.Notation;

namespace ImageGate.Notation.Tests;

/// <summary>Small helpers shared by the tests.</summary>
internal static class TestCerts
{
    /// <summary>Loads every certificate of a PEM or DER file.</summary>
    public static List<X509Certificate2> Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes);
        return text.Contains("-----BEGIN", StringComparison.Ordinal)
            ? [.. PemCertificates.Parse(text, path)]
            : [X509CertificateLoader.LoadCertificate(bytes)];
    }

    public static TargetDescriptor TargetOf(string manifestPath, string mediaType = "application/vnd.oci.image.manifest.v1+json")
    {
        var bytes = File.ReadAllBytes(manifestPath);
        return new TargetDescriptor(mediaType, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
    }

    public static string MediaTypeOf(string envelopePath) =>
        envelopePath.EndsWith(".cose", StringComparison.Ordinal) || File.ReadAllBytes(envelopePath)[0] != (byte)'{'
            ? "application/cose"
            : "application/jose+json";

    /// <summary>Fails the test with the reason when the verdict differs from the expectation.</summary>
    public static void AssertVerdict(NotaryVerificationResult result, NotaryFailureKind? expected, string? reasonContains, string what)
    {
        if (expected is null)
        {
            Assert.IsTrue(result.Verified, $"{what}: expected VALID, got {result.Reason}");
            return;
        }
        Assert.IsFalse(result.Verified, $"{what}: expected {expected} failure, but it verified");
        Assert.AreEqual(expected, result.Failure, $"{what}: wrong failure kind; reason: {result.Reason}");
        if (reasonContains is not null)
        {
            Assert.Contains(reasonContains, result.Reason!, $"{what}: reason");
        }
    }
}
