namespace ImageGate.Oci.Credentials;

/// <summary>A credential provider could not obtain credentials; the message names the provider and the
/// step, never a secret.</summary>
public sealed class CredentialProviderException(string provider, string message, Exception? inner = null)
    : Exception($"credentials ({provider}): {message}", inner)
{
    /// <summary>The provider that failed (<c>default</c>, <c>github</c>, <c>azure</c>, <c>amazon</c>, <c>google</c>, <c>oidc</c>).</summary>
    public string Provider { get; } = provider;
}
