using ImageGate.TestSupport.Registry;

namespace ImageGate.Verification.Tests;

/// <summary>Keys and signatures made by the openssl command-line tool.</summary>
public static class Openssl
{
    /// <summary>Generates a private key (<c>ec:P-256</c>, <c>ec:P-384</c>, <c>rsa:2048</c>, <c>ed25519</c>) and returns
    /// the private key path and the public key PEM.</summary>
    public static async Task<(string PrivateKeyPath, string PublicKeyPem)> GenerateKeyAsync(string name, string kind = "ec:P-256")
    {
        var keyPath = Path.Combine(TestRegistry.WorkDirectory, name + ".key");
        var args = kind switch
        {
            "ed25519" => new[] { "genpkey", "-algorithm", "ED25519", "-out", keyPath },
            _ when kind.StartsWith("ec:", StringComparison.Ordinal) => ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + kind[3..], "-pkeyopt", "ec_param_enc:named_curve", "-out", keyPath],
            _ when kind.StartsWith("rsa:", StringComparison.Ordinal) => ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + kind[4..], "-out", keyPath],
            _ => throw new ArgumentException($"unknown key kind {kind}", nameof(kind)),
        };
        await ExternalTools.RunAsync("openssl", args);
        var publicPem = await ExternalTools.RunAsync("openssl", ["pkey", "-in", keyPath, "-pubout"]);
        return (keyPath, publicPem);
    }

    /// <summary>Signs <paramref name="data"/> with the key (ECDSA gives ASN.1 DER; Ed25519 signs the raw bytes).</summary>
    public static async Task<byte[]> SignAsync(string privateKeyPath, byte[] data, string hash = "sha256", bool ed25519 = false)
    {
        var input = Path.Combine(TestRegistry.WorkDirectory, Guid.NewGuid().ToString("N") + ".in");
        var output = input + ".sig";
        await File.WriteAllBytesAsync(input, data);
        if (ed25519)
        {
            await ExternalTools.RunAsync("openssl", ["pkeyutl", "-sign", "-inkey", privateKeyPath, "-rawin", "-in", input, "-out", output]);
        }
        else
        {
            await ExternalTools.RunAsync("openssl", ["dgst", "-" + hash, "-sign", privateKeyPath, "-out", output, input]);
        }
        return await File.ReadAllBytesAsync(output);
    }
}
