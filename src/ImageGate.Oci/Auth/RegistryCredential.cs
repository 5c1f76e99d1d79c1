namespace ImageGate.Oci.Auth;

/// <summary>Credentials for one registry. <see cref="ToString"/> never shows a secret.</summary>
public sealed record RegistryCredential
{
    /// <summary>User name for Basic auth and for token requests.</summary>
    public string? Username { get; init; }
    /// <summary>Password (or access token used as a password).</summary>
    public string? Password { get; init; }
    /// <summary>OAuth2 refresh token (docker config <c>identitytoken</c>), exchanged by POST at the token realm.</summary>
    public string? IdentityToken { get; init; }
    /// <summary>A bearer token sent to the registry as is (docker config <c>registrytoken</c>).</summary>
    public string? RegistryToken { get; init; }
    /// <summary>Where the credential came from, for diagnostics (never a secret).</summary>
    public string Source { get; init; } = "";

    /// <summary>True when there is a user name and password.</summary>
    public bool HasBasic => !string.IsNullOrEmpty(Username) && Password is not null;

    /// <summary>Username and password.</summary>
    public static RegistryCredential Basic(string username, string password, string source = "") =>
        new() { Username = username, Password = password, Source = source };

    /// <summary>Every secret this credential holds (to check that none leaks into output).</summary>
    public IEnumerable<string> Secrets() =>
        new[] { Password, IdentityToken, RegistryToken }.Where(s => !string.IsNullOrEmpty(s))!;

    /// <summary>Describes the credential without its secrets.</summary>
    public override string ToString() =>
        $"credential(user={(Username ?? "-")}, source={Source}, password={(Password is null ? "no" : "***")}, identityToken={(IdentityToken is null ? "no" : "***")}, registryToken={(RegistryToken is null ? "no" : "***")})";
}

/// <summary>Finds credentials for a registry and repository (a keychain).</summary>
public interface ICredentialSource
{
    /// <summary>Credentials for <paramref name="registry"/> / <paramref name="repository"/>, or null for anonymous.</summary>
    ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken);
}

/// <summary>No credentials: every registry is accessed anonymously.</summary>
public sealed class AnonymousCredentials : ICredentialSource
{
    /// <summary>The shared instance.</summary>
    public static readonly AnonymousCredentials Instance = new();

    /// <inheritdoc/>
    public ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken) => ValueTask.FromResult<RegistryCredential?>(null);
}

/// <summary>Fixed credentials per registry host (tests, <c>--registry-secret</c> after parsing).</summary>
public sealed class StaticCredentials(IReadOnlyDictionary<string, RegistryCredential> byRegistry) : ICredentialSource
{
    /// <inheritdoc/>
    public ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken) =>
        ValueTask.FromResult(byRegistry.TryGetValue(registry, out var c) ? c : null);
}

/// <summary>Tries several sources in order; the first non-null credential wins (like a multi-keychain).</summary>
public sealed class CredentialChain(params ICredentialSource[] sources) : ICredentialSource
{
    /// <inheritdoc/>
    public async ValueTask<RegistryCredential?> GetAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            if (await source.GetAsync(registry, repository, cancellationToken).ConfigureAwait(false) is { } credential)
            {
                return credential;
            }
        }
        return null;
    }
}
