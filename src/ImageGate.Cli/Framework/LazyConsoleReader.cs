namespace ImageGate.Cli.Framework;

/// <summary>Standard input, opened only when first read, and decoded as strict UTF-8: invalid bytes throw
/// <see cref="System.Text.DecoderFallbackException"/> instead of turning into U+FFFD, as in files.</summary>
internal sealed class LazyConsoleReader : TextReader
{
    private TextReader? _in;

    private TextReader In => _in ??= new StreamReader(
        Console.OpenStandardInput(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
        detectEncodingFromByteOrderMarks: true);

    /// <inheritdoc />
    public override int Peek() => In.Peek();

    /// <inheritdoc />
    public override int Read() => In.Read();

    /// <inheritdoc />
    public override int Read(char[] buffer, int index, int count) => In.Read(buffer, index, count);

    /// <inheritdoc />
    public override int Read(Span<char> buffer) => In.Read(buffer);

    /// <inheritdoc />
    public override int ReadBlock(char[] buffer, int index, int count) => In.ReadBlock(buffer, index, count);

    /// <inheritdoc />
    public override int ReadBlock(Span<char> buffer) => In.ReadBlock(buffer);

    /// <inheritdoc />
    public override string? ReadLine() => In.ReadLine();

    /// <inheritdoc />
    public override string ReadToEnd() => In.ReadToEnd();

    /// <inheritdoc />
    public override Task<string?> ReadLineAsync() => In.ReadLineAsync();

    /// <inheritdoc />
    public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => In.ReadLineAsync(cancellationToken);

    /// <inheritdoc />
    public override Task<string> ReadToEndAsync() => In.ReadToEndAsync();

    /// <inheritdoc />
    public override Task<string> ReadToEndAsync(CancellationToken cancellationToken) => In.ReadToEndAsync(cancellationToken);

    /// <inheritdoc />
    public override Task<int> ReadAsync(char[] buffer, int index, int count) => In.ReadAsync(buffer, index, count);

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) => In.ReadAsync(buffer, cancellationToken);
}
