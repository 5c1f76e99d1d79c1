namespace ImageGate.Cli.Framework;

/// <summary>The command line is wrong (unknown option, missing value, bad value). Exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
