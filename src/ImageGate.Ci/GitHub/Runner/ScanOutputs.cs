using ImageGate.Reporting;

namespace ImageGate.Ci.GitHub.Runner;

/// <summary>The step outputs of <c>imagegate scan</c>, in a fixed order:
/// <c>result</c> (pass, fail or error, matching the exit code), <c>pass</c>, <c>fail</c>, <c>warn</c>, <c>error</c>,
/// <c>skip</c>, <c>blocking</c> (counts; blocking under <c>fail-on</c>), <c>sarif</c> (the SARIF file, empty when none),
/// <c>pinned-images</c> (one <c>IMAGE=IMAGE:TAG@DIGEST</c> line per image resolved) and <c>pinned-files</c>
/// (manifests rewritten by <c>pin-digests</c>, one per line).</summary>
public static class ScanOutputs
{
    /// <summary>Builds the outputs of a run.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Build(
        RunResult result, FailOn failOn, string? sarifPath, IEnumerable<KeyValuePair<string, string>> pins, IEnumerable<string> rewrittenFiles)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Summary;
        var code = result.ExitCode(failOn);
        var verdict = code == ExitCodes.InputError ? "error" : code == ExitCodes.Blocking ? "fail" : "pass";
        return
        [
            new("result", verdict),
            new("pass", s.Pass.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("fail", s.Fail.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("warn", s.Warn.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("error", s.Error.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("skip", s.Skip.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("blocking", result.BlockingFindings(failOn).Count().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("sarif", sarifPath ?? ""),
            new("pinned-images", string.Join('\n', pins.Select(p => $"{p.Key}={p.Value}"))),
            new("pinned-files", string.Join('\n', rewrittenFiles)),
        ];
    }
}
