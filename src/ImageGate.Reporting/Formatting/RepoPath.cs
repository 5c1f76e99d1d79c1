namespace ImageGate.Reporting.Formatting;

/// <summary>Turns finding file paths into repository-relative paths with <c>/</c> separators.</summary>
public static class RepoPath
{
    /// <summary>The path relative to <paramref name="root"/> when it lies under it, otherwise the path with <c>/</c> separators.</summary>
    public static string Relative(string file, string? root)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!string.IsNullOrEmpty(root) && Path.IsPathRooted(file))
        {
            var full = Path.GetFullPath(file);
            var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
            if (full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return Normalize(full[(rootFull.Length + 1)..]);
            }
            return Normalize(full);
        }
        var normal = Normalize(file);
        while (normal.StartsWith("./", StringComparison.Ordinal))
        {
            normal = normal[2..];
        }
        return normal;
    }

    /// <summary>An absolute path: rooted paths unchanged, relative ones combined with <paramref name="root"/> when given.</summary>
    public static string Absolute(string file, string? root) =>
        Path.IsPathRooted(file) || string.IsNullOrEmpty(root) ? file : Path.GetFullPath(Path.Combine(root, file));

    private static string Normalize(string path) => path.Replace('\\', '/');
}
