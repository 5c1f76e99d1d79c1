using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageGate.Cel;
using ImageGate.Manifests;
using ImageGate.Manifests.Yaml;
using ImageGate.Notation;
using ImageGate.Notation.Envelopes;
using ImageGate.Notation.Timestamps;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Content;
using ImageGate.Oci.Credentials;
using ImageGate.Oci.References;
using ImageGate.Policies.Loading;
using ImageGate.Sigstore;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Formats;

namespace ImageGate.Fuzz;

/// <summary>The fuzz targets. Each feeds one input to a parser we own and lets through only the exception types
/// that parser documents for bad input; any other exception (or a broken invariant) is a crash.</summary>
public static class Targets
{
    /// <summary>Every target by name.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["yaml"] = Yaml,
        ["policy"] = Policy,
        ["cel-parse"] = CelParse,
        ["cel-eval"] = CelEval,
        ["sigstore-bundle"] = SigstoreBundleTarget,
        ["dsse"] = Dsse,
        ["in-toto"] = InToto,
        ["simple-signing"] = SimpleSigning,
        ["jws"] = Jws,
        ["cose"] = Cose,
        ["x509"] = X509,
        ["rfc3161"] = Rfc3161,
        ["oci-manifest"] = OciManifest,
        ["notary-manifest"] = NotaryManifest,
        ["docker-config"] = DockerConfig,
        ["www-authenticate"] = WwwAuthenticate,
        ["image-reference"] = ImageReferenceTarget,
    };

    /// <summary>Runs <paramref name="target"/> on <paramref name="input"/>; expected errors are swallowed.</summary>
    public static void Run(string target, byte[] input) => All[target](input);

    /// <summary>Shared state, built on first use: instrumented code must not run before the fuzzer has started.</summary>
    private static class State
    {
        public static readonly ManifestLimits SmallLimits = new()
        {
            MaxFileBytes = 1024 * 1024,
            MaxDocumentChars = 256 * 1024,
            MaxExpandedNodes = 100_000,
        };

        public static readonly CelEnvironment Unchecked = new(new CelOptions { TypeCheck = false, AllowUndeclaredVariables = true, CostLimit = 100_000 });

        public static readonly CelEnvironment Checked = new CelEnvironment(new CelOptions { CostLimit = 100_000 }).DeclareVariable("object", CelType.Dyn);

        public static readonly string ConfigFile = Path.Combine(Path.GetTempPath(), $"imagegate-fuzz-{Environment.ProcessId}", "config.json");
    }

    /// <summary>Discovery's text path: decoding, YAML with marks, Lists, workload images and their spans.</summary>
    private static void Yaml(byte[] input)
    {
        try
        {
            var text = SourceText.Decode(input, "fuzz.yaml");
            var documents = new ManifestReader(new ManifestReaderOptions { Limits = State.SmallLimits }).ReadText(text, "fuzz.yaml");
            var lines = YamlLineCount(text);
            foreach (var document in documents)
            {
                foreach (var image in document.Images)
                {
                    var span = image.Span;
                    if (span.StartLine < 1 || span.StartLine > lines || span.EndLine < span.StartLine || span.StartColumn < 1)
                    {
                        throw new InvalidOperationException($"image span {span} is outside the {lines}-line input");
                    }
                }
            }
        }
        catch (ManifestException e)
        {
            Located(e.File, e.Line);
        }
    }

    /// <summary>Policy loading and validation (never throws: problems are diagnostics).</summary>
    private static void Policy(byte[] input)
    {
        string text;
        try
        {
            text = SourceText.Decode(input, "policy.yaml");
        }
        catch (ManifestException)
        {
            return;
        }
        var result = PolicyLoader.LoadText(text, "policy.yaml", new PolicyLoaderOptions { MaxFileBytes = 1024 * 1024, MaxNodesPerDocument = 20_000 });
        foreach (var diagnostic in result.Diagnostics)
        {
            if (string.IsNullOrEmpty(diagnostic.Message))
            {
                throw new InvalidOperationException("a diagnostic without a message");
            }
        }
    }


    /// <summary>The CEL parser and checker: any text compiles or yields issues, never an exception.</summary>
    private static void CelParse(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        foreach (var env in new[] { State.Unchecked, State.Checked })
        {
            var result = env.Compile(text);
            if (!result.Success && result.Issues.Count == 0)
            {
                throw new InvalidOperationException("compilation failed without an issue");
            }
            _ = result.ErrorText;
        }
    }

    /// <summary>The CEL evaluator: the first line is the expression, the rest JSON data bound to <c>object</c>.</summary>
    private static void CelEval(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var newline = text.IndexOf('\n');
        var expression = newline < 0 ? text : text[..newline];
        JsonNode? data = null;
        if (newline >= 0)
        {
            try
            {
                data = JsonNode.Parse(text[(newline + 1)..], documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException)
            {
                return;
            }
        }
        foreach (var env in new[] { State.Unchecked, State.Checked })
        {
            var compiled = env.Compile(expression);
            if (compiled.Program is null)
            {
                continue;
            }
            var value = compiled.Program.Evaluate(new Dictionary<string, object?> { ["object"] = data });
            if (value is CelError error)
            {
                _ = compiled.Program.Locate(error);
            }
            else
            {
                _ = Values.Describe(value);
            }
        }
    }

    private static void SigstoreBundleTarget(byte[] input) => Sigstore(() => SigstoreBundle.Parse(input));

    private static void Dsse(byte[] input) => Sigstore(() => DsseEnvelope.Parse(input));

    private static void InToto(byte[] input) => Sigstore(() => InTotoStatement.Parse(input));

    private static void SimpleSigning(byte[] input) => Sigstore(() => SimpleSigningPayload.Parse(input));

    private static void Sigstore(Func<object> parse)
    {
        try
        {
            parse();
        }
        catch (SigstoreVerificationException)
        {
        }
    }

    private static void Jws(byte[] input) => Notary(() => JwsEnvelopeParser.Parse(input));

    private static void Cose(byte[] input) => Notary(() => CoseEnvelopeParser.Parse(input));

    /// <summary>Input: a 2-byte big-endian length, the stamped signature, then the token. Seeds carry the signature
    /// their token stamps, so mutations get past the message imprint; the token's own certificates stand in for the
    /// trusted TSA roots, so chain building and the certificate rules run on mutated certificates too.</summary>
    private static void Rfc3161(byte[] input)
    {
        if (input.Length < 2)
        {
            return;
        }
        var length = input[0] << 8 | input[1];
        if (length > input.Length - 2)
        {
            return;
        }
        var signature = input[2..(2 + length)];
        var token = input[(2 + length)..];
        var trusted = new List<X509Certificate2>();
        if (System.Security.Cryptography.Pkcs.Rfc3161TimestampToken.TryDecode(token, out var decoded, out _))
        {
            trusted.AddRange(decoded.AsSignedCms().Certificates);
        }
        try
        {
            Notary(() => TimestampVerifier.Verify(token, signature, trusted));
        }
        finally
        {
            trusted.ForEach(c => c.Dispose());
        }
    }

    private static void Notary(Func<object> parse)
    {
        try
        {
            parse();
        }
        catch (NotaryException)
        {
        }
    }

    /// <summary>Certificate decoding paths we own: Fulcio identity extensions and the embedded SCT list.</summary>
    private static void X509(byte[] input)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(input);
        }
        catch (CryptographicException)
        {
            return;
        }
        using (certificate)
        {
            try
            {
                _ = FulcioIdentity.FromCertificate(certificate);
            }
            catch (SigstoreVerificationException)
            {
                // a damaged identity extension, reported as such
            }
            foreach (var extension in certificate.Extensions)
            {
                if (extension.Oid?.Value == "1.3.6.1.4.1.11129.2.4.2")
                {
                    try
                    {
                        SctVerifier.ParseList(extension.RawData);
                    }
                    catch (SigstoreVerificationException)
                    {
                    }
                }
            }
        }
    }

    private static void OciManifest(byte[] input)
    {
        try
        {
            var manifest = ManifestContent.Parse(input, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(input)), null);
            _ = manifest.Descriptor;
        }
        catch (InvalidDataException)
        {
        }
    }

    private static void NotaryManifest(byte[] input)
    {
        try
        {
            NotarySignatureManifest.Parse(input);
        }
        catch (FormatException)
        {
        }
    }


    /// <summary>Docker config: parsed from a file as the credential source reads it, then queried.</summary>
    private static void DockerConfig(byte[] input)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(State.ConfigFile)!);
        File.WriteAllBytes(State.ConfigFile, input);
        var source = new DockerConfigCredentials([State.ConfigFile], _ => null);
        try
        {
            foreach (var registry in new[] { "docker.io", "ghcr.io", "127.0.0.1:5000", "registry.example" })
            {
                _ = source.GetAsync(registry, "library/app", CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
        }
        catch (CredentialProviderException)
        {
        }
    }

    private static void WwwAuthenticate(byte[] input)
    {
        var header = Encoding.UTF8.GetString(input);
        var space = header.IndexOf(' ');
        var challenge = space < 0 ? AuthChallenge.Parse(header, null) : AuthChallenge.Parse(header[..space], header[(space + 1)..]);
        _ = challenge?.ToString();
    }

    private static void ImageReferenceTarget(byte[] input)
    {
        try
        {
            var reference = ImageReference.Parse(Encoding.UTF8.GetString(input));
            var again = ImageReference.Parse(reference.ToString());
            if (again.ToString() != reference.ToString())
            {
                throw new InvalidOperationException($"'{reference}' does not round-trip");
            }
        }
        catch (ImageReferenceException)
        {
        }
    }

    private static void Located(string file, int? line)
    {
        if (file.Length == 0 || line is < 1)
        {
            throw new InvalidOperationException($"an error located at '{file}:{line}'");
        }
    }

    // YAML (and so the spans) counts CR, LF, CRLF, NEL, LS and PS as line breaks, not only LF.
    private static int YamlLineCount(string text)
    {
        var lines = 1;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\r':
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }
                    lines++;
                    break;
                case '\n' or '\u0085' or '\u2028' or '\u2029':
                    lines++;
                    break;
            }
        }
        return lines;
    }
}
