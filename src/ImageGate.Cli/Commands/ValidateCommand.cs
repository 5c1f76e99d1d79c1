using ImageGate.Cli.Framework;
using ImageGate.Manifests.Discovery;
using ImageGate.Policies.Engine;
using ImageGate.Policies.Loading;
using ImageGate.Policies.Validation;

namespace ImageGate.Cli.Commands;

/// <summary><c>imagegate validate POLICY...</c>: checks policies and exceptions against the CRD rules and
/// compiles every CEL expression, without evaluating anything. Exit 2 on any error.</summary>
public sealed class ValidateCommand : Command
{
    /// <inheritdoc />
    public override string Name => "validate";

    /// <inheritdoc />
    public override string Summary => "check policies and exceptions (schema and CEL) without evaluating them";

    /// <inheritdoc />
    public override PositionalSpec Positionals { get; } = new("POLICY", "policy file, folder or glob", 1);

    /// <inheritdoc />
    public override int Execute(ParsedArguments args, CliContext context)
    {
        var found = ManifestDiscovery.Discover(args.Positionals, new DiscoveryOptions { WorkingDirectory = context.WorkingDirectory, ContinueOnError = true });
        var errors = 0;
        foreach (var error in found.Errors)
        {
            context.WriteError(error.Reason, error.Location);
            errors++;
        }
        var loaded = PolicyLoadResult.Combine(found.Documents.Select(d => PolicyLoader.LoadDocument(d.Root, d.File)));
        foreach (var diagnostic in loaded.Diagnostics.Where(d => d.Severity != DiagnosticSeverity.Notice))
        {
            context.Stderr.WriteLine(diagnostic.ToString());
            errors += diagnostic.Severity == DiagnosticSeverity.Error ? 1 : 0;
        }
        // Compile every expression as the engine would, variants included.
        var engine = new PolicyEngine(loaded.Policies, loaded.Exceptions, NoRegistry.Instance, new EngineOptions { ResolveDigests = false });
        foreach (var policy in engine.Policies)
        {
            foreach (var error in policy.Errors)
            {
                context.Stderr.WriteLine($"{error}");
                errors++;
            }
        }
        context.Stdout.WriteLine($"{loaded.Policies.Count} policies and {loaded.Exceptions.Count} exceptions read, {errors} errors");
        return errors > 0 ? ExitCodes.UsageOrInputError : ExitCodes.Ok;
    }
}
