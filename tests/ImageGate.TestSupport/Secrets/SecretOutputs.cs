using System.Text;

namespace ImageGate.TestSupport.Secrets;

/// <summary>Collects what tests saw ImageGate print or write (stdout, stderr, reports, exception messages, request
/// logs), across every test process of a run, so one scan can assert that no <see cref="KnownSecrets"/> value
/// appears anywhere. Outputs go to files under the scratch folder; call <see cref="Record"/> from any test.</summary>
public static class SecretOutputs
{
    private static readonly object Gate = new();
    private static readonly string ProcessFile = Path.Combine(Folder, $"{Environment.ProcessId}-{Guid.NewGuid():N}.txt");

    /// <summary>The folder holding the recorded outputs of the current run.</summary>
    public static string Folder
    {
        get
        {
            var dir = Path.Combine(RepoPaths.TestWork, "secret-outputs");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>Records one output; <paramref name="source"/> says where it came from (test and stream).</summary>
    public static void Record(string source, string text)
    {
        var entry = new StringBuilder().Append("\u0001 ").Append(source.Replace('\n', ' ')).Append('\n').Append(text).Append('\n').ToString();
        lock (Gate)
        {
            File.AppendAllText(ProcessFile, entry);
        }
    }

    /// <summary>Records the content of a file a test had ImageGate write (a SARIF or JSON report).</summary>
    public static void RecordFile(string source, string path) => Record(source + " " + Path.GetFileName(path), File.ReadAllText(path));

    /// <summary>Every leak in the outputs recorded so far by any process: (source, secret name).</summary>
    public static IReadOnlyList<(string Source, string Secret)> FindLeaks(IEnumerable<KnownSecret>? secrets = null)
    {
        var leaks = new List<(string, string)>();
        var known = (secrets ?? KnownSecrets.All).ToList();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.txt").Order(StringComparer.Ordinal))
        {
            string content;
            try
            {
                content = File.ReadAllText(file);
            }
            catch (IOException)
            {
                continue; // another process is writing it; its next scan will see it
            }
            foreach (var entry in content.Split("\u0001 ", StringSplitOptions.RemoveEmptyEntries))
            {
                var newline = entry.IndexOf('\n');
                var source = newline < 0 ? entry : entry[..newline];
                foreach (var secret in KnownSecrets.FindIn(newline < 0 ? "" : entry[(newline + 1)..], known))
                {
                    leaks.Add((source, secret.Name));
                }
            }
        }
        return leaks;
    }
}
