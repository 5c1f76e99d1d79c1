using System.Diagnostics;
using System.Text.Json;
using ImageGate.TestSupport.Registry;

namespace ImageGate.TestSupport.Signing;

/// <summary>Keyless Cosign signatures for one pushed image, made by sigstore-js against @sigstore/mock's Fulcio,
/// Rekor and TSA on loopback (tests/fixtures/attestors/cosign-image-fixtures.js): the mock's trusted root, a legacy
/// <c>.sig</c> layer, and DSSE bundles to attach as OCI referrers.</summary>
public sealed class SigstoreImageFixtures
{
    /// <summary>The artifact and layer media type of the bundles.</summary>
    public const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private SigstoreImageFixtures(string directory, string trustedRootJson, string issuer, string subject)
    {
        Directory = directory;
        TrustedRootJson = trustedRootJson;
        Issuer = issuer;
        Subject = subject;
    }

    /// <summary>The folder holding the generated files (bundle-sign.json, bundle-provenance.json, keyless-sig.*, key.pub, ...).</summary>
    public string Directory { get; }
    /// <summary>The mock's trusted root JSON.</summary>
    public string TrustedRootJson { get; }
    /// <summary>The OIDC issuer in the Fulcio certificates.</summary>
    public string Issuer { get; }
    /// <summary>The identity (subject) in the Fulcio certificates.</summary>
    public string Subject { get; }

    /// <summary>Signs <paramref name="digest"/> (pushed as <paramref name="reference"/>) into <paramref name="directory"/>;
    /// fails with a setup hint when sigstore-js is not installed.</summary>
    public static async Task<SigstoreImageFixtures> GenerateAsync(string directory, string digest, string reference)
    {
        await RunNodeAsync(RepoPaths.Combine("tests", "fixtures", "attestors", "cosign-image-fixtures.js"), directory, digest, reference).ConfigureAwait(false);
        var trustedRoot = await File.ReadAllTextAsync(Path.Combine(directory, "trusted_root.json")).ConfigureAwait(false);
        using var identity = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "identity.json")).ConfigureAwait(false));
        return new SigstoreImageFixtures(directory, trustedRoot, identity.RootElement.GetProperty("issuer").GetString()!, identity.RootElement.GetProperty("identity").GetString()!);
    }

    /// <summary>sigstore-js's own verdict (@sigstore/verify with this trusted root, plus cosign's statement-subject
    /// check) for a generated bundle about <paramref name="digest"/>, signed by <paramref name="subject"/>.</summary>
    public async Task<(bool Verified, string Reason)> ReferenceVerdictAsync(string file, string subject, string digest)
    {
        var output = await RunNodeAsync(RepoPaths.Combine("tests", "ImageGate.TestSupport", "Signing", "reference-verify.js"),
            PathOf("trusted_root.json"), PathOf(file), subject, Issuer, digest).ConfigureAwait(false);
        using var verdict = JsonDocument.Parse(output);
        return (verdict.RootElement.GetProperty("verified").GetBoolean(), verdict.RootElement.GetProperty("reason").GetString() ?? "");
    }

    /// <summary>Runs a script with sigstore-js on the module path; returns its standard output.</summary>
    internal static async Task<string> RunNodeAsync(string script, params string[] arguments)
    {
        var modules = RepoPaths.Combine("tests", "fixtures", "sigstore", "node_modules");
        if (!System.IO.Directory.Exists(Path.Combine(modules, "@sigstore", "mock")))
        {
            throw new InvalidOperationException("sigstore-js is not installed: run `bash tests/setup.sh`");
        }
        var start = new ProcessStartInfo(ExternalTools.Require("node")) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["NODE_PATH"] = modules;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(script)} exited with {process.ExitCode}: {await stderr.ConfigureAwait(false)}");
        }
        return stdout;
    }

    /// <summary>Writes <c>bundle-tampered.json</c>: <c>bundle-sign.json</c> with its DSSE payload replaced after signing
    /// (the same subject <paramref name="digest"/>, other predicate content); returns the file name.</summary>
    public async Task<string> WriteTamperedBundleAsync(string digest)
    {
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(PathOf("bundle-sign.json")).ConfigureAwait(false))!;
        var statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"sha256\":\"" + digest["sha256:".Length..]
            + "\"}}],\"predicateType\":\"https://sigstore.dev/cosign/sign/v1\",\"predicate\":{\"injected\":true}}";
        bundle["dsseEnvelope"]!["payload"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(statement));
        await File.WriteAllTextAsync(PathOf("bundle-tampered.json"), bundle.ToJsonString()).ConfigureAwait(false);
        return "bundle-tampered.json";
    }

    /// <summary>A generated file's path.</summary>
    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>Attaches a generated bundle as a referrer of <paramref name="image"/>, annotated the way cosign does
    /// (the predicate-type annotation only when <paramref name="predicateType"/> is given).</summary>
    public Task<PushedManifest> AttachBundleAsync(RegistryFixture registry, string repository, PushedManifest image, string file, string? predicateType)
    {
        var annotations = new Dictionary<string, string> { ["dev.sigstore.bundle.content"] = "dsse-envelope" };
        if (predicateType is not null)
        {
            annotations["dev.sigstore.bundle.predicateType"] = predicateType;
        }
        return registry.PushReferrerAsync(repository, image, BundleType, File.ReadAllBytes(PathOf(file)), BundleType, annotations);
    }
}
