namespace ImageGate.Oci.References;

/// <summary>A parsed image reference, normalised the way go-containerregistry's
/// <c>name.ParseReference</c> does with default options (which is what Kyverno uses):
/// Docker Hub is <c>index.docker.io</c>, single-component Hub names get <c>library/</c>,
/// a missing tag means <c>latest</c>, and <c>repo:tag@digest</c> is a digest reference.</summary>
public sealed record ImageReference
{
    /// <summary>The registry host that Docker Hub references resolve to.</summary>
    public const string DockerHubRegistry = "index.docker.io";

    /// <summary>The default tag when a reference names neither tag nor digest.</summary>
    public const string DefaultTag = "latest";

    private const string RepositoryChars = "abcdefghijklmnopqrstuvwxyz0123456789_-./";
    private const string TagChars = "abcdefghijklmnopqrstuvwxyz0123456789_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string DigestChars = "sh:0123456789abcdef";

    private ImageReference(string original, string registry, string repository, string? tag, string? digest)
    {
        Original = original;
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The string as given.</summary>
    public string Original { get; }

    /// <summary>Registry host (and port), e.g. <c>ghcr.io</c>, <c>index.docker.io</c>, <c>127.0.0.1:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>Repository path inside the registry, e.g. <c>library/nginx</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag for a tag reference; null for a digest reference (even <c>repo:tag@digest</c>).</summary>
    public string? Tag { get; }

    /// <summary>The digest for a digest reference, else null.</summary>
    public string? Digest { get; }

    /// <summary>The tag written in <c>repo:tag@digest</c>; null when none was written.</summary>
    public string? WrittenTag { get; private init; }

    /// <summary>True when the reference names a digest.</summary>
    public bool IsDigest => Digest is not null;

    /// <summary>The tag or the digest.</summary>
    public string Identifier => Digest ?? Tag!;

    /// <summary><c>registry/repository</c>.</summary>
    public string RepositoryName => Registry + "/" + Repository;

    /// <summary>The canonical name: <c>registry/repository:tag</c> or <c>registry/repository@digest</c>.</summary>
    public string Name => IsDigest ? RepositoryName + "@" + Digest : RepositoryName + ":" + Tag;

    /// <summary>Returns the canonical name.</summary>
    public override string ToString() => Name;

    /// <summary>References are equal when their canonical names are (<c>nginx</c> equals <c>docker.io/library/nginx:latest</c>).</summary>
    public bool Equals(ImageReference? other) => other is not null && Name == other.Name;

    /// <summary>Hash of the canonical name.</summary>
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <summary>The same repository with the given digest (tag kept as written tag).</summary>
    public ImageReference WithDigest(string digest)
    {
        CheckElement("digest", digest, DigestChars, 71, 71, Original);
        return new ImageReference(Original, Registry, Repository, null, digest) { WrittenTag = Tag ?? WrittenTag };
    }

    /// <summary>The same repository with the given tag.</summary>
    public ImageReference WithTag(string tag)
    {
        CheckElement("tag", tag, TagChars, 1, 127, Original);
        return new ImageReference(Original, Registry, Repository, tag, null);
    }

    /// <summary>Parses a bare repository name (no tag or digest), e.g. cosign's <c>source.repository</c>.</summary>
    public static ImageReference ParseRepository(string repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (!TryParseRepository(repository, out var registry, out var repo, out var error))
        {
            throw new ImageReferenceException(repository, error!);
        }
        return new ImageReference(repository, registry!, repo!, DefaultTag, null);
    }

    /// <summary>Parses a reference; throws <see cref="ImageReferenceException"/> with the reason when invalid.</summary>
    public static ImageReference Parse(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (TryParseTag(reference, out var tagged, out var tagError))
        {
            return tagged!;
        }
        if (TryParseDigest(reference, out var digested, out var digestError))
        {
            return digested!;
        }
        // Report the digest error when the input tried to be a digest reference.
        throw new ImageReferenceException(reference, reference.Contains('@') ? digestError! : tagError!);
    }

    /// <summary>Parses a reference, returning false instead of throwing.</summary>
    public static bool TryParse(string reference, out ImageReference? result)
    {
        try
        {
            result = Parse(reference);
            return true;
        }
        catch (ImageReferenceException)
        {
            result = null;
            return false;
        }
    }

    private static bool TryParseTag(string name, out ImageReference? result, out string? error)
    {
        result = null;
        var baseName = name;
        string? tag = null;
        var colon = name.LastIndexOf(':');
        // A colon is a tag separator only when no '/' follows it (otherwise it is a registry port).
        if (colon >= 0 && name.IndexOf('/', colon) < 0)
        {
            baseName = name[..colon];
            tag = name[(colon + 1)..];
        }
        if (!string.IsNullOrEmpty(tag) && (error = ElementError("tag", tag, TagChars, 1, 127)) is not null)
        {
            return false;
        }
        if (!TryParseRepository(baseName, out var registry, out var repository, out error))
        {
            return false;
        }
        result = new ImageReference(name, registry!, repository!, string.IsNullOrEmpty(tag) ? DefaultTag : tag, null);
        return true;
    }

    private static bool TryParseDigest(string name, out ImageReference? result, out string? error)
    {
        result = null;
        var parts = name.Split('@');
        if (parts.Length != 2)
        {
            error = "a digest must contain exactly one '@' separator (e.g. registry/repository@digest)";
            return false;
        }
        var (baseName, digest) = (parts[0], parts[1]);
        if ((error = ElementError("digest", digest, DigestChars, 71, 71)) is not null)
        {
            return false;
        }
        string? writtenTag = null;
        if (TryParseTag(baseName, out var tagged, out _))
        {
            baseName = tagged!.RepositoryName;
            var colon = parts[0].LastIndexOf(':');
            if (colon >= 0 && parts[0].IndexOf('/', colon) < 0)
            {
                writtenTag = tagged.Tag;
            }
        }
        if (!TryParseRepository(baseName, out var registry, out var repository, out error))
        {
            return false;
        }
        result = new ImageReference(name, registry!, repository!, null, digest) { WrittenTag = writtenTag };
        return true;
    }

    private static bool TryParseRepository(string name, out string? registry, out string? repository, out string? error)
    {
        registry = repository = null;
        if (name.Length == 0)
        {
            error = "a repository name must be specified";
            return false;
        }
        var reg = "";
        var repo = name;
        var slash = name.IndexOf('/');
        if (slash >= 0)
        {
            var first = name[..slash];
            // The first component is a registry only when it contains '.' or ':' (as go-containerregistry).
            if (first.Contains('.') || first.Contains(':'))
            {
                reg = first;
                repo = name[(slash + 1)..];
            }
        }
        if ((error = ElementError("repository", repo, RepositoryChars, 2, 255)) is not null)
        {
            return false;
        }
        if (!IsValidAuthority(reg))
        {
            error = "registries must be valid RFC 3986 URI authorities: " + reg;
            return false;
        }
        if (reg.Length == 0 || reg == "docker.io")
        {
            reg = DockerHubRegistry;
        }
        if (reg == DockerHubRegistry && !repo.Contains('/'))
        {
            repo = "library/" + repo;
            if ((error = ElementError("repository", repo, RepositoryChars, 2, 255)) is not null)
            {
                return false;
            }
        }
        registry = reg;
        repository = repo;
        return true;
    }

    // Host[:port] with the characters a URI authority allows; IPv6 literals in brackets.
    private static bool IsValidAuthority(string authority)
    {
        if (authority.Length == 0)
        {
            return true;
        }
        var host = authority;
        string? port = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }
            host = authority[1..close];
            var rest = authority[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    return false;
                }
                port = rest[1..];
            }
            if (!System.Net.IPAddress.TryParse(host, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }
        }
        else
        {
            var colon = authority.IndexOf(':');
            if (colon >= 0)
            {
                host = authority[..colon];
                port = authority[(colon + 1)..];
            }
            if (host.Length == 0 || host.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~')))
            {
                return false;
            }
        }
        return port is null || port.All(char.IsAsciiDigit);
    }

    private static void CheckElement(string kind, string value, string chars, int min, int max, string original)
    {
        if (ElementError(kind, value, chars, min, max) is { } error)
        {
            throw new ImageReferenceException(original, error);
        }
    }

    private static string? ElementError(string kind, string value, string chars, int min, int max)
    {
        if (value.Length < min || value.Length > max)
        {
            return $"{kind} must be between {min} and {max} characters in length: {value}";
        }
        // Any(), not FirstOrDefault(): a NUL would compare equal to default(char) and pass.
        return value.Any(c => !chars.Contains(c)) ? $"{kind} can only contain the characters `{chars}`: {value.Replace("\0", "\\0", StringComparison.Ordinal)}" : null;
    }
}

/// <summary>An image reference that does not parse; the message names the reference and the reason.</summary>
public sealed class ImageReferenceException(string reference, string reason)
    : FormatException($"invalid image reference \"{reference}\": {reason}")
{
    /// <summary>The reference as given.</summary>
    public string Reference { get; } = reference;

    /// <summary>Why it was rejected.</summary>
    public string Reason { get; } = reason;
}
