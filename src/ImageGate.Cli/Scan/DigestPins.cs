using System.Text;
using ImageGate.Cli.Evaluation;
using ImageGate.Manifests.Discovery;
using ImageGate.Policies.Engine;

namespace ImageGate.Cli.Scan;

/// <summary>One image scalar in a manifest and the <c>repo:tag@digest</c> the run resolved it to (decision 6).</summary>
/// <param name="File">The manifest as shown to the user.</param>
/// <param name="Span">Where the image scalar is (quotes included when quoted).</param>
/// <param name="Image">The image as written.</param>
/// <param name="Pinned">The pinned reference the policies saw.</param>
/// <param name="Passed">True when no Deny policy failed on this image: only these are written into manifests.</param>
public sealed record ImagePin(string File, Manifests.SourceSpan Span, string Image, string Pinned, bool Passed);

/// <summary>The outcome of <c>--pin-digests</c>: files rewritten, images pinned, and what could not be pinned.</summary>
public sealed record PinRewrite(IReadOnlyList<string> Files, int Images, IReadOnlyList<string> Problems);

/// <summary>Finds the digest pins of a run and writes them into the manifests, changing only the image scalars.</summary>
public static class DigestPins
{
    /// <summary>Largest manifest rewritten.</summary>
    public const long MaxFileBytes = 64 * 1024 * 1024;

    /// <summary>Every image scalar the engine pinned to a digest, once per location, in input order.</summary>
    public static IReadOnlyList<ImagePin> Collect(EvaluationOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var pins = new Dictionary<(string, int, int), ImagePin>();
        foreach (var (_, doc, outcome) in output.Outcomes)
        {
            // A failure that blocks (Deny) keeps the image out of the manifests; Warn and Audit failures do not.
            var actions = outcome.Policy.Spec.ValidationActions;
            var failed = outcome.Status is PolicyStatus.Fail or PolicyStatus.Error
                && (actions.Count == 0 || actions.Contains(Policies.Model.ValidationAction.Deny));
            foreach (var image in doc.Images)
            {
                if (!outcome.PinnedImages.TryGetValue(image.Image, out var pinned))
                {
                    continue;
                }
                var concerned = failed && (outcome.FailingImage is { } failing
                    ? failing == image.Image || failing == pinned
                    : outcome.Images.Count == 0 || outcome.Images.Contains(image.Image) || outcome.Images.Contains(pinned));
                var key = (image.Span.File, image.Span.StartLine, image.Span.StartColumn);
                if (pins.TryGetValue(key, out var known))
                {
                    pins[key] = known with { Passed = known.Passed && !concerned };
                }
                else
                {
                    pins[key] = new ImagePin(image.Span.File, image.Span, image.Image, pinned, !concerned);
                }
            }
        }
        return [.. pins.Values];
    }

    /// <summary>Writes the pins of images that passed into their files, in place. Every other byte of each file is kept;
    /// a scalar that is not exactly the image as written (plain, single- or double-quoted) is left alone and reported.</summary>
    public static PinRewrite Rewrite(IEnumerable<ImagePin> pins, string workingDirectory)
    {
        var files = new List<string>();
        var problems = new List<string>();
        var count = 0;
        foreach (var group in pins.Where(p => p.Passed && p.Pinned != p.Image).GroupBy(p => p.File, StringComparer.Ordinal))
        {
            if (group.Key == ManifestDiscovery.StdinName)
            {
                problems.Add($"{group.Key}: standard input cannot be rewritten; pin {string.Join(", ", group.Select(p => p.Image))} by hand");
                continue;
            }
            var path = Path.GetFullPath(group.Key, workingDirectory);
            try
            {
                var info = new FileInfo(path);
                if (info.Length > MaxFileBytes)
                {
                    problems.Add($"{group.Key}: larger than {MaxFileBytes} bytes; not rewritten");
                    continue;
                }
                var bytes = File.ReadAllBytes(path);
                var (updated, applied) = Apply(bytes, group.ToList(), problems);
                if (applied > 0)
                {
                    File.WriteAllBytes(path, updated);
                    files.Add(group.Key);
                    count += applied;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{group.Key}: could not rewrite: {ex.Message}");
            }
        }
        return new PinRewrite(files, count, problems);
    }

    /// <summary>Replaces each pin's scalar in <paramref name="bytes"/>; returns the new content and how many were replaced.</summary>
    public static (byte[] Content, int Applied) Apply(byte[] bytes, IReadOnlyList<ImagePin> pins, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(problems);
        var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var lineStarts = new List<int> { bom };
        for (var i = bom; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var edits = new List<(int Start, int End, byte[] Text)>();
        foreach (var pin in pins)
        {
            var where = $"{pin.File}:{pin.Span.StartLine}:{pin.Span.StartColumn}";
            if (pin.Span.StartLine != pin.Span.EndLine || pin.Span.StartLine < 1 || pin.Span.StartLine > lineStarts.Count)
            {
                problems.Add($"{where}: image {pin.Image} spans several lines; not rewritten");
                continue;
            }
            var lineStart = lineStarts[pin.Span.StartLine - 1];
            var lineEnd = pin.Span.StartLine < lineStarts.Count ? lineStarts[pin.Span.StartLine] - 1 : bytes.Length;
            string line;
            try
            {
                line = strict.GetString(bytes, lineStart, lineEnd - lineStart);
            }
            catch (DecoderFallbackException)
            {
                problems.Add($"{where}: the line is not valid UTF-8; not rewritten");
                continue;
            }
            int from = pin.Span.StartColumn - 1, to = pin.Span.EndColumn - 1;
            if (from < 0 || to <= from || to > line.Length)
            {
                problems.Add($"{where}: image {pin.Image} is not where the manifest said; not rewritten");
                continue;
            }
            var written = line[from..to];
            var replacement = written == pin.Image ? pin.Pinned
                : written == $"\"{pin.Image}\"" ? $"\"{pin.Pinned}\""
                : written == $"'{pin.Image}'" ? $"'{pin.Pinned}'"
                : null;
            if (replacement is null)
            {
                problems.Add($"{where}: image {pin.Image} is not written as a simple scalar; not rewritten");
                continue;
            }
            var start = lineStart + Encoding.UTF8.GetByteCount(line.AsSpan(0, from));
            var end = start + Encoding.UTF8.GetByteCount(written);
            edits.Add((start, end, Encoding.UTF8.GetBytes(replacement)));
        }
        if (edits.Count == 0)
        {
            return (bytes, 0);
        }
        using var result = new MemoryStream(bytes.Length + edits.Count * 96);
        var position = 0;
        foreach (var (start, end, text) in edits.OrderBy(e => e.Start))
        {
            if (start < position)
            {
                problems.Add("overlapping image locations; file not rewritten");
                return (bytes, 0);
            }
            result.Write(bytes, position, start - position);
            result.Write(text);
            position = end;
        }
        result.Write(bytes, position, bytes.Length - position);
        return (result.ToArray(), edits.Count);
    }
}
