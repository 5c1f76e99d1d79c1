using ImageGate.Manifests;

namespace ImageGate.Cli.Framework;

/// <summary>The process exit codes (decision 7, with the values the reports use) and how errors map to them.</summary>
public static class ExitCodes
{
    /// <summary>Nothing blocking.</summary>
    public const int Ok = Reporting.ExitCodes.Success;

    /// <summary>A blocking finding: a failure or error under a <c>Deny</c> action.</summary>
    public const int Blocking = Reporting.ExitCodes.Blocking;

    /// <summary>A usage or input error: bad flags, an unreadable or invalid policy or manifest.</summary>
    public const int UsageOrInputError = Reporting.ExitCodes.InputError;

    /// <summary>The exit code for an error that ended a command. Every error that escapes a command is a usage or
    /// input problem from the user's side, or an internal fault that must not look like success.</summary>
    public static int ForException(Exception error) => error switch
    {
        UsageException or ManifestException => UsageOrInputError,
        // An internal fault is not a verdict: it must never read as success (0) or as a finding (1).
        _ => UsageOrInputError,
    };
}
