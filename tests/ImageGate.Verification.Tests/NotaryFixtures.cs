using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;

namespace ImageGate.Verification.Tests;

/// <summary>The generated Notary PKI (<see cref="NotaryPki"/>), made once per run, bound to the assembly's registry.</summary>
public static class NotaryFixtures
{
    private static readonly Lazy<Task<NotaryPki>> Generated = new(() => NotaryPki.GenerateAsync(Path.Combine(TestRegistry.WorkDirectory, "notation-fixtures")));

    /// <summary>Requests the loopback CRL server has answered.</summary>
    public static int CrlRequests => Generated.IsValueCreated && Generated.Value.IsCompletedSuccessfully ? Generated.Value.Result.CrlRequests : 0;

    /// <summary>Stops the CRL server.</summary>
    public static async Task StopAsync()
    {
        if (Generated.IsValueCreated && Generated.Value.IsCompletedSuccessfully)
        {
            await Generated.Value.Result.DisposeAsync();
        }
    }

    /// <summary>A generated file's bytes.</summary>
    public static async Task<byte[]> BytesAsync(string name) => await (await Generated.Value).BytesAsync(name);

    /// <summary>A generated certificate's PEM text.</summary>
    public static async Task<string> PemAsync(string name) => await (await Generated.Value).PemAsync(name);

    /// <summary>Pushes the fixtures' signed target to <paramref name="repository"/>:v1.</summary>
    public static async Task<PushedManifest> PushTargetAsync(string repository) => await (await Generated.Value).PushTargetAsync(TestRegistry.Registry, repository);

    /// <summary>Attaches an envelope as a Notary signature referrer of <paramref name="subject"/>.</summary>
    public static Task<PushedManifest> AttachSignatureAsync(string repository, PushedManifest subject, byte[] envelope, string mediaType = NotaryPki.JwsMediaType) =>
        NotaryPki.AttachSignatureAsync(TestRegistry.Registry, repository, subject, envelope, mediaType);

    /// <summary>A JWS envelope over the Notary payload naming <paramref name="target"/> (see <see cref="NotaryPki.JwsAsync"/>).</summary>
    public static async Task<byte[]> JwsAsync(PushedManifest target, string key, string algorithm, params string[] chain) =>
        await (await Generated.Value).JwsAsync(target, key, algorithm, chain);

    /// <summary>A COSE_Sign1 envelope over the fixtures' payload.</summary>
    public static async Task<byte[]> CoseAsync() => await (await Generated.Value).CoseAsync();
}
