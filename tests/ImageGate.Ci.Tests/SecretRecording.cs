using ImageGate.TestSupport.Secrets;

namespace ImageGate.Ci.Tests;

/// <summary>Records, for the suite's secret scan, the message of every exception ImageGate throws in this test assembly.</summary>
[TestClass]
public static class SecretRecording
{
    [AssemblyInitialize]
    public static void Start(TestContext _) => SecretOutputs.RecordImageGateExceptions();
}
