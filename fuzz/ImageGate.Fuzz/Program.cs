using ImageGate.Fuzz;

// Usage:
//   ImageGate.Fuzz TARGET                 run under afl-fuzz (input on standard input, via SharpFuzz)
//   ImageGate.Fuzz TARGET --run PATH...   run files or folders once, outside AFL (replays crashes and seeds)
//   ImageGate.Fuzz --list                 print the target names
if (args.Length == 0 || args[0] == "--list")
{
    Console.WriteLine(string.Join('\n', Targets.All.Keys));
    return args.Length == 0 ? 2 : 0;
}
var target = args[0];
if (!Targets.All.ContainsKey(target))
{
    Console.Error.WriteLine($"unknown target '{target}'; --list shows them");
    return 2;
}
if (args.Length > 1 && args[1] == "--run")
{
    var failures = 0;
    var files = args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
    foreach (var file in files)
    {
        try
        {
            Targets.Run(target, File.ReadAllBytes(file));
        }
        catch (Exception e)
        {
            failures++;
            Console.Error.WriteLine($"{file}: {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
        }
    }
    Console.WriteLine($"{target}: {files.Count} inputs, {failures} crashes");
    return failures == 0 ? 0 : 1;
}
SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    Targets.Run(target, buffer.ToArray());
});
return 0;
