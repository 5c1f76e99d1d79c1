namespace ImageGate.Manifests.Discovery;

/// <summary>Resolves every symbolic link of a path, as realpath(3) does, so that containment checks see where a
/// file really is (a link inside the workspace may point anywhere on the machine).</summary>
public static class RealPath
{
    private const int MaxLinks = 40;

    /// <summary>The path with every symbolic link resolved, or null when the links loop or nest too deeply.
    /// Components that do not exist are kept as they are.</summary>
    public static string? Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var pending = new List<string>(Split(full[root.Length..]));
        var current = root;
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending[0];
            pending.RemoveAt(0);
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                // current never holds a link, so its parent is the real parent.
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Combine(current, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                target = null;
            }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                return null;
            }
            if (Path.IsPathRooted(target))
            {
                var targetRoot = Path.GetPathRoot(target) ?? root;
                current = targetRoot;
                pending.InsertRange(0, Split(target[targetRoot.Length..]));
            }
            else
            {
                pending.InsertRange(0, Split(target));
            }
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or below it (both already resolved).</summary>
    public static bool IsInside(string path, string folder)
    {
        var withSeparator = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return path == folder || path.StartsWith(withSeparator, StringComparison.Ordinal);
    }

    private static string[] Split(string path) =>
        path.Split(['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
