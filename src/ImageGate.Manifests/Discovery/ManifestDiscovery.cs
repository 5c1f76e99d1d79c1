namespace ImageGate.Manifests.Discovery;

/// <summary>Turns inputs (files, folders, globs, <c>-</c> for standard input) into manifests, in a deterministic
/// order: inputs as given, files of a folder or glob sorted by path.</summary>
public static class ManifestDiscovery
{
    /// <summary>The extensions read when walking folders and globs.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".yaml", ".yml", ".json"];

    /// <summary>Name of the pseudo-file for standard input.</summary>
    public const string StdinName = "<stdin>";

    /// <summary>Discovers and reads every manifest of <paramref name="inputs"/>.</summary>
    public static DiscoveryResult Discover(IEnumerable<string> inputs, DiscoveryOptions? options = null)
    {
        options ??= new DiscoveryOptions();
        var reader = new ManifestReader(new ManifestReaderOptions
        {
            ChartRoots = options.ChartRoots,
            WorkingDirectory = options.WorkingDirectory,
            Limits = options.Limits,
        });
        var errors = new List<ManifestException>();
        var files = ExpandInputs(inputs, options, reader, errors);

        var documents = new List<ManifestDocument>();
        var shown = new List<string>();
        foreach (var file in files)
        {
            try
            {
                documents.AddRange(file is null
                    ? reader.ReadStream(options.Stdin ?? throw new ManifestException(StdinName, null, null, "standard input is not available"), StdinName)
                    : reader.ReadFile(file));
                shown.Add(file is null ? StdinName : PathDisplay.For(file, options.WorkingDirectory));
            }
            catch (ManifestException e) when (options.ContinueOnError)
            {
                errors.Add(e);
            }
        }
        return new DiscoveryResult(shown, documents, errors, reader.Notices);
    }

    /// <summary>The full paths of the files to read (null stands for standard input), without duplicates.</summary>
    public static IReadOnlyList<string?> ExpandInputs(IEnumerable<string> inputs, DiscoveryOptions options) =>
        ExpandInputs(inputs, options, null, null);

    private static List<string?> ExpandInputs(IEnumerable<string> inputs, DiscoveryOptions options, ManifestReader? reader, List<ManifestException>? errors)
    {
        var excludes = options.Exclude.Select(p => new Glob(p)).ToList();
        var result = new List<string?>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stdinSeen = false;
        foreach (var input in inputs)
        {
            try
            {
                if (input == "-")
                {
                    if (!stdinSeen)
                    {
                        result.Add(null);
                        stdinSeen = true;
                    }
                    continue;
                }
                foreach (var file in Expand(input, options, excludes, reader))
                {
                    if (seen.Add(file))
                    {
                        if (result.Count >= options.Limits.MaxFiles)
                        {
                            throw new ManifestException(input, null, null, $"more than {options.Limits.MaxFiles} files to read");
                        }
                        result.Add(file);
                    }
                }
            }
            catch (ManifestException e) when (options.ContinueOnError && errors is not null)
            {
                errors.Add(e);
            }
        }
        return result;
    }

    private static List<string> Expand(string input, DiscoveryOptions options, List<Glob> excludes, ManifestReader? reader)
    {
        var wd = options.WorkingDirectory;
        var full = Path.GetFullPath(input, wd);
        if (File.Exists(full))
        {
            // A file named explicitly is read whatever its extension.
            return IsExcluded(PathDisplay.For(full, wd), Path.GetFileName(full), excludes) ? [] : [full];
        }
        if (Directory.Exists(full))
        {
            if (File.Exists(Path.Combine(full, "Chart.yaml")))
            {
                throw new ManifestException(input, null, null, "this folder is a Helm chart: render it with 'helm template' and pass the output (the chart is then found for # Source: mapping)");
            }
            var files = Walk(full, options, excludes, reader, null);
            if (files.Count == 0)
            {
                throw new ManifestException(input, null, null, "no .yaml, .yml or .json files in this folder");
            }
            return files;
        }
        if (Glob.HasWildcards(input))
        {
            var (baseDir, pattern) = SplitGlob(input.Replace('\\', '/'));
            var baseFull = Path.GetFullPath(baseDir, wd);
            if (!Directory.Exists(baseFull))
            {
                throw new ManifestException(input, null, null, $"folder '{baseDir}' of the glob not found");
            }
            var files = Walk(baseFull, options, excludes, reader, new Glob(pattern));
            if (files.Count == 0)
            {
                throw new ManifestException(input, null, null, "no files match this glob");
            }
            return files;
        }
        throw new ManifestException(input, null, null, "no such file or folder");
    }

    /// <summary>Splits a glob into the folder before its first wildcard and the pattern below it.</summary>
    private static (string BaseDir, string Pattern) SplitGlob(string glob)
    {
        var segments = glob.Split('/');
        var first = Array.FindIndex(segments, s => Glob.HasWildcards(s));
        var baseDir = string.Join('/', segments[..first]);
        if (baseDir.Length == 0)
        {
            baseDir = glob.StartsWith('/') ? "/" : ".";
        }
        return (baseDir, string.Join('/', segments[first..]));
    }

    /// <summary>Every manifest file under <paramref name="root"/>, sorted by path; hidden entries, excluded paths,
    /// symbolic-link folders and Helm chart folders (recorded as charts instead) are skipped.</summary>
    private static List<string> Walk(string root, DiscoveryOptions options, List<Glob> excludes, ManifestReader? reader, Glob? include)
    {
        var found = new List<(string Relative, string Full)>();
        var pending = new Stack<string>();
        pending.Push(root);
        var visitedDirectories = 0;
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            if (++visitedDirectories > options.Limits.MaxFiles)
            {
                throw new ManifestException(PathDisplay.For(root, options.WorkingDirectory), null, null, $"more than {options.Limits.MaxFiles} folders to walk");
            }
            if (dir != root && File.Exists(Path.Combine(dir, "Chart.yaml")))
            {
                // Chart templates are not manifests; the chart serves to map rendered output back to them.
                reader?.RegisterChart(dir);
                continue;
            }
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(dir).EnumerateFileSystemInfos();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ManifestException(PathDisplay.For(dir, options.WorkingDirectory), null, null, "cannot read the folder: " + e.Message, e);
            }
            foreach (var entry in entries)
            {
                if (entry.Name.StartsWith('.'))
                {
                    continue;
                }
                var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
                if (IsExcluded(PathDisplay.For(entry.FullName, options.WorkingDirectory), entry.Name, excludes) || excludes.Any(g => g.IsMatch(relative)))
                {
                    continue;
                }
                if (entry is DirectoryInfo directory)
                {
                    if (directory.LinkTarget is null)
                    {
                        pending.Push(directory.FullName);
                    }
                }
                else if (include is not null ? include.IsMatch(relative) && HasManifestExtension(entry.Name) : HasManifestExtension(entry.Name))
                {
                    if (entry.LinkTarget is not null)
                    {
                        CheckLinkStaysInside(entry.FullName, root, options);
                    }
                    found.Add((relative, entry.FullName));
                }
            }
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        return found.Select(f => f.Full).ToList();
    }

    /// <summary>A linked file found by walking must resolve inside the walked folder: otherwise a link committed
    /// in a pull request could make the run read (and report on) any file of the machine, or a device that never ends.</summary>
    private static void CheckLinkStaysInside(string file, string root, DiscoveryOptions options)
    {
        var display = PathDisplay.For(file, options.WorkingDirectory);
        var real = RealPath.Resolve(file) ?? throw new ManifestException(display, null, null, "symbolic links loop or nest too deeply");
        var realRoot = RealPath.Resolve(root) ?? root;
        if (!RealPath.IsInside(real, realRoot))
        {
            throw new ManifestException(display, null, null,
                $"symbolic link points outside the folder being scanned ({PathDisplay.For(root, options.WorkingDirectory)}); not read");
        }
    }

    private static bool IsExcluded(string displayPath, string name, List<Glob> excludes) =>
        excludes.Any(g => g.MatchesNames ? g.IsMatch(name) : g.IsMatch(displayPath));

    private static bool HasManifestExtension(string name) =>
        Extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
