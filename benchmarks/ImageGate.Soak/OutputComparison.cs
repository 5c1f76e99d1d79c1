namespace ImageGate.Soak;

/// <summary>Byte-for-byte comparison of two report files, with the first differing line when they differ.</summary>
internal static class OutputComparison
{
    private const int ShowChars = 300;

    /// <summary>Null when the files are identical, otherwise a description of the first difference.</summary>
    public static string? Compare(string left, string right)
    {
        if (!File.Exists(left) || !File.Exists(right))
        {
            return $"missing output: {(File.Exists(left) ? right : left)}";
        }
        if (new FileInfo(left).Length == 0 || new FileInfo(right).Length == 0)
        {
            return $"empty output: {(new FileInfo(left).Length == 0 ? left : right)}";
        }
        if (Identical(left, right))
        {
            return null;
        }
        using var a = new StreamReader(left);
        using var b = new StreamReader(right);
        for (var line = 1; ; line++)
        {
            var x = a.ReadLine();
            var y = b.ReadLine();
            if (x is null && y is null)
            {
                return "the files differ only in line endings or a final line break";
            }
            if (x != y)
            {
                return $"first difference at line {line}:\n    {Path.GetFileName(left)}: {Show(x)}\n    {Path.GetFileName(right)}: {Show(y)}";
            }
        }
    }

    private static bool Identical(string left, string right)
    {
        if (new FileInfo(left).Length != new FileInfo(right).Length)
        {
            return false;
        }
        using var a = File.OpenRead(left);
        using var b = File.OpenRead(right);
        var x = new byte[1 << 16];
        var y = new byte[1 << 16];
        while (true)
        {
            var n = a.ReadAtLeast(x, x.Length, throwOnEndOfStream: false);
            var m = b.ReadAtLeast(y, y.Length, throwOnEndOfStream: false);
            if (n != m || !x.AsSpan(0, n).SequenceEqual(y.AsSpan(0, m)))
            {
                return false;
            }
            if (n == 0)
            {
                return true;
            }
        }
    }

    private static string Show(string? line) => line is null ? "(end of file)" : line.Length <= ShowChars ? line : line[..ShowChars] + "…";
}
