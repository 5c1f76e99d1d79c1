using ImageGate.Oci.Auth;

namespace ImageGate.Oci.Credentials;

/// <summary>The <c>github</c> provider: <c>$GITHUB_TOKEN</c> for ghcr.io (user <c>$GITHUB_ACTOR</c>, or
/// <c>unset</c> as go-containerregistry's GitHub keychain), plus any extra hosts (GHES <c>containers.HOST</c>).</summary>
public sealed class GitHubCredentials(Func<string, string?>? environment = null, IEnumerable<string>? extraHosts = null) : ICredentialSource
{
    private readonly Func<string, string?> environment = environment ?? Environment.GetEnvironmentVariable;
    private readonly HashSet<string> hosts = new(["ghcr.io", .. extraHosts ?? []], StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        if (!hosts.Contains(registry) || environment("GITHUB_TOKEN") is not { Length: > 0 } token)
        {
            return ValueTask.FromResult<RegistryCredential?>(null);
        }
        var actor = environment("GITHUB_ACTOR") is { Length: > 0 } a ? a : "unset";
        return ValueTask.FromResult<RegistryCredential?>(RegistryCredential.Basic(actor, token, "GITHUB_TOKEN"));
    }
}
