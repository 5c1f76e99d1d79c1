using System.Diagnostics;

namespace ImageGate.Manifests.Tests.Hostile;

/// <summary>Runs a hostile case and checks it ends within generous time and allocation bounds (the machine running
/// the suite may be loaded, so the bounds catch hangs and blow-ups, not slowness).</summary>
internal static class Bounds
{
    public static T Within<T>(Func<T> action, int seconds = 10, long megabytes = 1024)
    {
        var watch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = action();
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / (1024 * 1024);
        Assert.IsLessThan(seconds * 1000L, watch.ElapsedMilliseconds, $"took {watch.ElapsedMilliseconds} ms");
        Assert.IsLessThan(megabytes, allocated, $"allocated {allocated} MiB");
        return result;
    }

    public static ManifestException Throws(Action action, int seconds = 10, long megabytes = 1024) =>
        Within(() => Assert.ThrowsExactly<ManifestException>(action), seconds, megabytes);
}
