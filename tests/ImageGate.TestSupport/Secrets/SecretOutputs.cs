using System.Diagnostics;
using System.Reflection;

namespace ImageGate.TestSupport.Secrets;

/// <summary>Collects what tests saw ImageGate print or write (stdout, stderr, reports, exception messages, API request
/// bodies), across every test process of a run, so one scan can assert that no <see cref="KnownSecrets"/> value
/// appears anywhere. The harnesses that run ImageGate record here; outputs go to <see cref="Folder"/>.</summary>
public static class SecretOutputs
{
    /// <summary>Largest file a harness records after a run; larger ones are recorded as their first part.</summary>
    public const int MaxFileChars = 16 * 1024 * 1024;
    private const int MaxWatchedFiles = 2000;
    private const int MaxExceptions = 50_000;
    private const int MaxExceptionsPerTest = 200;

    private static readonly Lazy<SecretOutputStore> DefaultLazy = new(() => new SecretOutputStore(Path.Combine(RepoPaths.TestWork, "secret-outputs"), DetectRecorder()));
    private static readonly HashSet<string> SeenExceptions = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, int> ExceptionsPerTest = new(StringComparer.Ordinal);
    private static int exceptionHookInstalled;
    [ThreadStatic] private static bool inExceptionHook;

    /// <summary>The store of this test process (in <c>.test-work/secret-outputs</c>, attributed to the test assembly).</summary>
    public static SecretOutputStore Default => DefaultLazy.Value;

    /// <summary>The folder holding the recorded outputs of the current run.</summary>
    public static string Folder => Default.Folder;

    /// <summary>Records one output; <paramref name="source"/> says where it came from (stream), <paramref name="test"/>
    /// which test caused it (by default the test method on the call stack).</summary>
    public static void Record(string source, string text, string? test = null) => Default.Record($"{test ?? CurrentTest()}: {source}", text);

    /// <summary>Records the content of a file a test had ImageGate write (a SARIF or JSON report).</summary>
    public static void RecordFile(string source, string path) => Record(source + " " + Path.GetFileName(path), ReadBounded(path));

    /// <summary>Every leak in the outputs recorded so far by any process.</summary>
    public static IReadOnlyList<SecretLeak> FindLeaks(IEnumerable<KnownSecret>? secrets = null) => Default.FindLeaks(secrets);

    /// <summary>Notes the files in <paramref name="directory"/> (unless it is the repository itself) and in
    /// <paramref name="files"/> before ImageGate runs, so <see cref="RecordRun"/> can record those it wrote.</summary>
    public static FileSnapshot Snapshot(string? directory, IEnumerable<string>? files = null) => FileSnapshot.Take(directory, files ?? []);

    /// <summary>Records one ImageGate run: its stdout, its stderr, and every file it created or changed since
    /// <paramref name="before"/> (reports, step summaries, output files).</summary>
    public static void RecordRun(string what, string stdout, string stderr, FileSnapshot? before = null)
    {
        Record(what + " stdout", stdout);
        Record(what + " stderr", stderr);
        foreach (var file in before?.ChangedFiles() ?? [])
        {
            Record($"{what} wrote {file}", ReadBounded(file));
        }
    }

    /// <summary>From now on, records the message of every exception an ImageGate type throws in this process, caught or
    /// not (once per distinct message): the exception messages of credential, registry and CI code are outputs too.</summary>
    public static void RecordImageGateExceptions()
    {
        if (Interlocked.Exchange(ref exceptionHookInstalled, 1) == 1)
        {
            return;
        }
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            if (inExceptionHook || e.Exception.GetType().Namespace?.StartsWith("ImageGate.", StringComparison.Ordinal) != true
                || e.Exception.GetType().Assembly.GetName().Name is not { } assembly
                || assembly.EndsWith("Tests", StringComparison.Ordinal) || assembly == "ImageGate.TestSupport")
            {
                return;
            }
            inExceptionHook = true;
            try
            {
                var text = e.Exception.GetType().Name + ": " + e.Exception.Message;
                var test = CurrentTest();
                lock (SeenExceptions)
                {
                    // Bounded, and per test so that one fuzzing test cannot crowd out the others.
                    var count = ExceptionsPerTest.GetValueOrDefault(test);
                    if (SeenExceptions.Count >= MaxExceptions || count >= MaxExceptionsPerTest || !SeenExceptions.Add(text))
                    {
                        return;
                    }
                    ExceptionsPerTest[test] = count + 1;
                }
                Record("exception message", text, test);
            }
            catch (Exception)
            {
                // Recording must never change what the code under test sees.
            }
            finally
            {
                inExceptionHook = false;
            }
        };
    }

    /// <summary>The test method running on this thread, as <c>Class.Method</c>: the innermost test method on the call
    /// stack (or else the innermost frame of a test class).</summary>
    public static string CurrentTest()
    {
        string? inTestClass = null;
        foreach (var frame in new StackTrace().GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            var name = frame.GetMethod()?.Name;
            // An async method runs in a compiler-made state machine nested in its class: <Method>d__N.MoveNext.
            if (type?.DeclaringType is { } outer && type.Name.StartsWith('<') && type.Name.IndexOf('>') > 1)
            {
                name = type.Name[1..type.Name.IndexOf('>')];
                type = outer;
            }
            if (type is null || name is null || !type.GetCustomAttributes().Any(a => IsNamed(a, "TestClassAttribute")))
            {
                continue;
            }
            var isTestMethod = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                .Any(m => m.Name == name && m.GetCustomAttributes().Any(a => IsNamed(a, "TestMethodAttribute")));
            if (isTestMethod)
            {
                return $"{type.Name}.{name}";
            }
            inTestClass ??= $"{type.Name}.{name}";
        }
        return inTestClass ?? "(outside a test method)";
    }

    private static bool IsNamed(Attribute attribute, string name)
    {
        for (var type = attribute.GetType(); type is not null; type = type.BaseType)
        {
            if (type.Name == name)
            {
                return true;
            }
        }
        return false;
    }

    private static string ReadBounded(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        var text = new System.Text.StringBuilder();
        var buffer = new char[64 * 1024];
        int read;
        while (text.Length < MaxFileChars && (read = reader.ReadBlock(buffer, 0, Math.Min(buffer.Length, MaxFileChars - text.Length))) > 0)
        {
            text.Append(buffer, 0, read);
        }
        return text.ToString();
    }

    // The test assembly of this process: the ImageGate test assembly loaded into it.
    private static string DetectRecorder()
    {
        var names = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "")
            .Where(n => n.StartsWith("ImageGate.", StringComparison.Ordinal) && (n.EndsWith(".Tests", StringComparison.Ordinal) || n == "ImageGate.IntegrationTests"))
            .Order(StringComparer.Ordinal).ToList();
        return names.Count == 1 ? names[0] : names.Count == 0 ? "unknown" : string.Join("+", names);
    }

    /// <summary>The files of a folder (and some given files) with their sizes and times, taken before a run.</summary>
    public sealed class FileSnapshot
    {
        private readonly Dictionary<string, (long Length, DateTime Written)> before;
        private readonly string? directory;
        private readonly IReadOnlyList<string> files;

        private FileSnapshot(string? directory, IReadOnlyList<string> files)
        {
            this.directory = directory;
            this.files = files;
            before = State();
        }

        internal static FileSnapshot Take(string? directory, IEnumerable<string> files)
        {
            var full = directory is null ? null : Path.GetFullPath(directory);
            // Never walk the repository (or above it): runs from there write their reports to named files.
            if (full is not null && RepoPaths.Root.StartsWith(full.TrimEnd('/') + "/", StringComparison.Ordinal) || full == RepoPaths.Root)
            {
                full = null;
            }
            return new FileSnapshot(full, [.. files.Select(Path.GetFullPath)]);
        }

        /// <summary>Files created or changed since the snapshot, ordered by path.</summary>
        public IReadOnlyList<string> ChangedFiles() =>
            [.. State().Where(f => !before.TryGetValue(f.Key, out var old) || old != f.Value).Select(f => f.Key).Order(StringComparer.Ordinal)];

        private Dictionary<string, (long, DateTime)> State()
        {
            var state = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
            var found = directory is not null && Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }).Take(MaxWatchedFiles)
                : [];
            foreach (var file in found.Concat(files.Where(File.Exists)))
            {
                var info = new FileInfo(file);
                state[file] = (info.Length, info.LastWriteTimeUtc);
            }
            return state;
        }
    }
}
