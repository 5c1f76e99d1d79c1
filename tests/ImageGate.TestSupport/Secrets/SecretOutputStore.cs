using System.Buffers;
using System.Text;

namespace ImageGate.TestSupport.Secrets;

/// <summary>One known secret found in one recorded output.</summary>
public sealed record SecretLeak(string Recorder, string Source, string Secret);

/// <summary>How much one recorder (a test assembly) wrote to the store.</summary>
public sealed record RecorderVolume(string Recorder, int Outputs, long Characters);

/// <summary>A folder of recorded outputs, one file per recording process (<c>RECORDER.PID.ID.txt</c>), plus the
/// secrets each process registered at run time (<c>.secrets</c>, hex-encoded so the file never matches itself).
/// Any process may append while another scans; a scan sees every entry completed before it started.</summary>
public sealed class SecretOutputStore
{
    private const string EntryMark = "\u0001 ";
    private readonly object gate = new();
    private readonly string outputFile;
    private readonly string secretFile;

    /// <summary>A store in <paramref name="folder"/> whose entries are attributed to <paramref name="recorder"/>.</summary>
    public SecretOutputStore(string folder, string recorder)
    {
        if (recorder.Length == 0 || recorder.Contains('~') || recorder.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException("recorder must be a plain file-name part", nameof(recorder));
        }
        Folder = folder;
        Recorder = recorder;
        var stem = Path.Combine(folder, $"{recorder}~{Environment.ProcessId}~{Guid.NewGuid():N}");
        outputFile = stem + ".txt";
        secretFile = stem + ".secrets";
    }

    /// <summary>The folder holding the outputs.</summary>
    public string Folder { get; }

    /// <summary>Who this store's entries are attributed to.</summary>
    public string Recorder { get; }

    /// <summary>Records one output; <paramref name="source"/> says where it came from (test and stream).</summary>
    public void Record(string source, string text)
    {
        var entry = new StringBuilder(text.Length + source.Length + 4)
            .Append(EntryMark).Append(source.Replace('\n', ' ').Replace('\u0001', ' ')).Append('\n')
            .Append(text.Replace('\u0001', ' ')).Append('\n').ToString();
        lock (gate)
        {
            Directory.CreateDirectory(Folder);
            File.AppendAllText(outputFile, entry);
        }
    }

    /// <summary>Remembers a secret made at run time so that a scan by any other process looks for it too.</summary>
    public void RecordSecret(KnownSecret secret)
    {
        var line = secret.Name.Replace('\t', ' ').Replace('\n', ' ') + "\t" + Convert.ToHexString(Encoding.UTF8.GetBytes(secret.Value)) + "\n";
        lock (gate)
        {
            Directory.CreateDirectory(Folder);
            File.AppendAllText(secretFile, line);
        }
    }

    /// <summary>The run-time secrets every process registered in this folder.</summary>
    public IReadOnlyList<KnownSecret> RecordedSecrets()
    {
        var secrets = new Dictionary<string, KnownSecret>(StringComparer.Ordinal);
        foreach (var file in Files("*.secrets"))
        {
            foreach (var line in ReadShared(file).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var tab = line.LastIndexOf('\t');
                if (tab > 0)
                {
                    var value = Encoding.UTF8.GetString(Convert.FromHexString(line[(tab + 1)..]));
                    secrets.TryAdd(value, new KnownSecret(line[..tab], value));
                }
            }
        }
        return [.. secrets.Values];
    }

    /// <summary>How many outputs and characters each recorder wrote.</summary>
    public IReadOnlyList<RecorderVolume> Volumes() =>
        Entries().GroupBy(e => e.Recorder, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new RecorderVolume(g.Key, g.Count(), g.Sum(e => (long)e.Text.Length))).ToList();

    /// <summary>Every known secret (the fixed ones, those of this process and those any process recorded here) found
    /// in any recorded output, as it is or in an encoding HTTP uses. Leaks name the secret, never its value.</summary>
    public IReadOnlyList<SecretLeak> FindLeaks(IEnumerable<KnownSecret>? secrets = null)
    {
        var finder = new SecretFinder(secrets ?? KnownSecrets.All.Concat(RecordedSecrets()));
        var leaks = new List<SecretLeak>();
        foreach (var entry in Entries())
        {
            leaks.AddRange(finder.Find(SecretFinder.WithoutMaskCommands(entry.Text)).Select(s => new SecretLeak(entry.Recorder, entry.Source, s.Name)));
        }
        return leaks;
    }

    private IEnumerable<(string Recorder, string Source, string Text)> Entries()
    {
        foreach (var file in Files("*.txt"))
        {
            var recorder = Path.GetFileName(file).Split('~')[0];
            foreach (var entry in ReadShared(file).Split(EntryMark, StringSplitOptions.RemoveEmptyEntries))
            {
                var newline = entry.IndexOf('\n');
                // Each entry is "mark source \n text \n".
                yield return newline < 0 ? (recorder, entry, "") : (recorder, entry[..newline], entry[(newline + 1)..^1]);
            }
        }
    }

    private IEnumerable<string> Files(string pattern) =>
        Directory.Exists(Folder) ? Directory.EnumerateFiles(Folder, pattern).Order(StringComparer.Ordinal) : [];

    // Another process may be appending: open with sharing rather than skipping the file.
    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

/// <summary>Looks for many secrets, in every form <see cref="KnownSecrets.Forms"/> gives, in one pass over a text.</summary>
public sealed partial class SecretFinder
{
    /// <summary><paramref name="text"/> without the lines that tell a CI runner to mask a value (<c>::add-mask::</c>,
    /// <c>##vso[task.setsecret]</c>): the runner hides those lines, and they must hold the secret to do their job.</summary>
    public static string WithoutMaskCommands(string text) => MaskCommand().Replace(text, "");

    [System.Text.RegularExpressions.GeneratedRegex(@"^(::add-mask::|##vso\[task\.setsecret\])[^\n]*$", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex MaskCommand();

    private readonly Dictionary<string, List<KnownSecret>> byForm = new(StringComparer.Ordinal);
    private readonly SearchValues<string>? forms;

    /// <summary>A finder for <paramref name="secrets"/>.</summary>
    public SecretFinder(IEnumerable<KnownSecret> secrets)
    {
        foreach (var secret in secrets)
        {
            foreach (var form in KnownSecrets.Forms(secret.Value))
            {
                if (!byForm.TryGetValue(form, out var owners))
                {
                    byForm[form] = owners = [];
                }
                if (!owners.Contains(secret))
                {
                    owners.Add(secret);
                }
            }
        }
        forms = byForm.Count == 0 ? null : SearchValues.Create([.. byForm.Keys], StringComparison.Ordinal);
    }

    /// <summary>The secrets occurring in <paramref name="text"/>, each once.</summary>
    public IReadOnlyList<KnownSecret> Find(string text)
    {
        var found = new List<KnownSecret>();
        if (forms is null)
        {
            return found;
        }
        var rest = text.AsSpan();
        var offset = 0;
        while (offset < text.Length)
        {
            var at = rest[offset..].IndexOfAny(forms);
            if (at < 0)
            {
                break;
            }
            var start = offset + at;
            // Several forms may start here (one secret a prefix of another): take every one that matches.
            foreach (var (form, owners) in byForm)
            {
                if (text.AsSpan(start).StartsWith(form, StringComparison.Ordinal))
                {
                    found.AddRange(owners.Where(o => !found.Contains(o)));
                }
            }
            offset = start + 1;
        }
        return found;
    }
}
