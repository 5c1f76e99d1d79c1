using ImageGate.TestSupport;

namespace ImageGate.Manifests.Tests.Hostile;

/// <summary>Runs a hostile case and checks it ends within generous time and allocation bounds (the machine running
/// the suite may be loaded, so the bounds catch hangs and blow-ups, not slowness).</summary>
internal static class Bounds
{
    public static T Within<T>(Func<T> action, int seconds = 10, long megabytes = 1024) =>
        ResourceBounds.Within(action, seconds, megabytes);

    public static ManifestException Throws(Action action, int seconds = 10, long megabytes = 1024) =>
        Within(() => Assert.ThrowsExactly<ManifestException>(action), seconds, megabytes);
}
