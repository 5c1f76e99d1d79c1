namespace ImageGate.TestSupport;

/// <summary>Well-known folders for tests: the repository root, the optional shared reference folder
/// beside it, and a scratch folder for fixtures generated at test time.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding ImageGate.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>Scratch space for generated fixtures (ignored by git).</summary>
    public static string TestWork
    {
        get
        {
            var dir = Path.Combine(Root, ".test-work");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>The shared reference folder (specs and public vectors) when it exists beside the
    /// repository, otherwise null: tests that read it must also pass without it.</summary>
    public static string? Shared
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImageGate.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("ImageGate.sln not found above " + AppContext.BaseDirectory);
    }
}
