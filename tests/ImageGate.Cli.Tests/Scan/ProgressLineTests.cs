using ImageGate.Cli.Scan;

namespace ImageGate.Cli.Tests.Scan;

[TestClass]
public sealed class ProgressLineTests
{
    [TestMethod]
    public void PrintsAtMostOneLinePerIntervalAndNothingAtTheEnd()
    {
        var now = TimeSpan.Zero;
        var stderr = new StringWriter { NewLine = "\n" };
        var progress = new ProgressLine(stderr, TimeSpan.FromSeconds(10), () => now);
        for (var i = 1; i <= 1000; i++)
        {
            now = TimeSpan.FromMilliseconds(i * 25);
            progress.Report(i, 1000);
        }
        Assert.AreEqual("progress: 400/1000 resources evaluated (10 s)\nprogress: 800/1000 resources evaluated (20 s)\n", stderr.ToString());
    }

    [TestMethod]
    public void AShortRunPrintsNothing()
    {
        var stderr = new StringWriter();
        var progress = new ProgressLine(stderr, TimeSpan.FromSeconds(10), () => TimeSpan.FromSeconds(1));
        progress.Report(1, 2);
        progress.Report(2, 2);
        Assert.AreEqual("", stderr.ToString());
    }
}
