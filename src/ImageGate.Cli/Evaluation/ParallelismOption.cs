using System.Globalization;
using ImageGate.Cli.Framework;

namespace ImageGate.Cli.Evaluation;

/// <summary>The <c>--parallelism N</c> option of the evaluating commands.</summary>
public static class ParallelismOption
{
    /// <summary>The option, for the commands' option lists.</summary>
    public static OptionSpec Spec { get; } = new("--parallelism",
        $"evaluate N resources at once (default {EvaluationRequest.DefaultParallelism}; results do not depend on it)", "N");

    /// <summary>The value given, or the default.</summary>
    public static int Read(ParsedArguments args) => Parse(args.Value("--parallelism"), "--parallelism");

    /// <summary>Parses a parallelism value; <paramref name="source"/> names the option or input in the error.</summary>
    public static int Parse(string? text, string source)
    {
        if (text is null)
        {
            return EvaluationRequest.DefaultParallelism;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > EvaluationRequest.MaxParallelism)
        {
            throw new UsageException($"{source} {text}: expected a whole number from 1 to {EvaluationRequest.MaxParallelism}");
        }
        return value;
    }
}
