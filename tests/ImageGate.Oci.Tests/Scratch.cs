using System.Collections.Concurrent;
using ImageGate.TestSupport;

namespace ImageGate.Oci.Tests;

/// <summary>Scratch folders under the test work folder, removed when the test run ends.</summary>
[TestClass]
public static class Scratch
{
    private static readonly ConcurrentBag<string> Created = [];

    /// <summary>A new empty folder whose name starts with <paramref name="prefix"/>.</summary>
    public static string NewDirectory(string prefix)
    {
        var path = Path.Combine(RepoPaths.TestWork, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        Created.Add(path);
        return path;
    }

    [AssemblyCleanup]
    public static void RemoveAll()
    {
        foreach (var path in Created)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
