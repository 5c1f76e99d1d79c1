using System.Diagnostics;

namespace ImageGate.TestSupport;

/// <summary>Runs a hostile case and checks it ends within generous time and allocation bounds. The machine running
/// the suite may be loaded, so the bounds catch hangs and blow-ups, not slowness.</summary>
public static class ResourceBounds
{
    /// <summary>Returns what <paramref name="action"/> returns; throws <see cref="TimeoutException"/> or
    /// <see cref="InsufficientMemoryException"/> (failing the test) when it took or allocated more than allowed.</summary>
    public static T Within<T>(Func<T> action, int seconds = 10, long megabytes = 1024)
    {
        ArgumentNullException.ThrowIfNull(action);
        var watch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = action();
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / (1024 * 1024);
        if (watch.ElapsedMilliseconds >= seconds * 1000L)
        {
            throw new TimeoutException($"took {watch.ElapsedMilliseconds} ms, more than the {seconds} s allowed");
        }
        if (allocated >= megabytes)
        {
            throw new InsufficientMemoryException($"allocated {allocated} MiB, more than the {megabytes} MiB allowed");
        }
        return result;
    }
}
