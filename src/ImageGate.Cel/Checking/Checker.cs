using ImageGate.Cel.Syntax;

namespace ImageGate.Cel.Checking;

/// <summary>Type checker (placeholder).</summary>
internal sealed class Checker(CelEnvironment env, string source)
{
    public CelType Check(Expr e, List<CelIssue> issues) { _ = env; _ = source; _ = e; _ = issues; return CelType.Dyn; }
}
