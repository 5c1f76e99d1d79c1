namespace ImageGate.Oci.Client;

/// <summary>What went wrong talking to a registry.</summary>
public enum RegistryErrorKind
{
    /// <summary>The manifest, tag or blob does not exist.</summary>
    NotFound,
    /// <summary>Authentication failed or is missing.</summary>
    Unauthorized,
    /// <summary>Authenticated but not allowed.</summary>
    Denied,
    /// <summary>Content larger than the configured limit.</summary>
    TooLarge,
    /// <summary>Content did not match its digest or size.</summary>
    DigestMismatch,
    /// <summary>Malformed content or protocol violation.</summary>
    InvalidContent,
    /// <summary>Connection, TLS or HTTP failure (after retries where retriable).</summary>
    Transport,
    /// <summary>The operation's deadline or an attempt's timeout passed.</summary>
    Timeout,
    /// <summary>Refused by a security rule (plain HTTP not allowed, unsafe token realm, downgrade).</summary>
    Refused,
}

/// <summary>A registry operation failed. The message names the image (or repository) and the registry.</summary>
public sealed class RegistryException : Exception
{
    /// <summary>Creates the exception; <paramref name="subject"/> is the image or repository concerned.</summary>
    public RegistryException(RegistryErrorKind kind, string registry, string subject, string reason, int? statusCode = null, Exception? inner = null)
        : base($"{subject}: {reason} (registry {registry})", inner)
    {
        Kind = kind;
        Registry = registry;
        Subject = subject;
        Reason = reason;
        StatusCode = statusCode;
    }

    /// <summary>Category of the failure.</summary>
    public RegistryErrorKind Kind { get; }
    /// <summary>The registry host.</summary>
    public string Registry { get; }
    /// <summary>The image or repository concerned.</summary>
    public string Subject { get; }
    /// <summary>The reason without the subject and registry.</summary>
    public string Reason { get; }
    /// <summary>The last HTTP status, when one was received.</summary>
    public int? StatusCode { get; }
}
