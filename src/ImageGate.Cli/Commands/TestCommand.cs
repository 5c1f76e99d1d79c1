using System.Text;
using System.Text.Json.Nodes;
using ImageGate.Cli.Evaluation;
using ImageGate.Cli.Framework;
using ImageGate.Manifests;
using ImageGate.Policies.Engine;
using ImageGate.Reporting;
using ExitCodes = ImageGate.Cli.Framework.ExitCodes;

namespace ImageGate.Cli.Commands;

/// <summary><c>imagegate test DIR...</c>: runs <c>kyverno-test.yaml</c> suites like <c>kyverno test</c>
/// (kyverno-ivpol §5.5): each expected result is compared with the engine's report result; any mismatch,
/// or a test file that cannot be read, exits 1.</summary>
public sealed class TestCommand : Command
{
    /// <inheritdoc />
    public override string Name => "test";

    /// <inheritdoc />
    public override string Summary => "run kyverno-test.yaml suites (like kyverno test)";

    /// <inheritdoc />
    public override PositionalSpec Positionals { get; } = new("DIR", "folder searched recursively for test files", 1);

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--file-name", "test file name to look for", "NAME", Default: "kyverno-test.yaml"),
        new("--junit", "also write the results as JUnit XML to FILE", "FILE"),
        new("--detailed-results", "add the engine's message to each row"),
        new("--fail-only", "print only the rows that failed"),
        new("--require-tests", "fail when no test file is found"),
        ParallelismOption.Spec,
        .. RegistrySetup.Options,
    ];

    private sealed record Row(string Policy, string Rule, string Resource, bool Passed, string Reason, string Message, string TestFile);

    /// <inheritdoc />
    public override int Execute(ParsedArguments args, CliContext context)
    {
        var fileName = args.Value("--file-name") ?? "kyverno-test.yaml";
        var testFiles = new List<string>();
        foreach (var dir in args.Positionals)
        {
            var full = context.FullPath(dir);
            if (File.Exists(full))
            {
                testFiles.Add(full);
            }
            else if (Directory.Exists(full))
            {
                testFiles.AddRange(Directory.EnumerateFiles(full, fileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else
            {
                throw new UsageException($"{dir}: no such file or folder");
            }
        }
        if (testFiles.Count == 0)
        {
            context.Stdout.WriteLine("No test files found.");
            return args.Has("--require-tests") ? ExitCodes.Blocking : ExitCodes.Ok;
        }

        var parallelism = ParallelismOption.Read(args);
        using var registries = new RegistrySetup(args, context);
        var verifier = Verifiers.Create(registries);
        var rows = new List<Row>();
        var loadFailures = 0;
        foreach (var testFile in testFiles)
        {
            var display = Path.GetRelativePath(context.WorkingDirectory, testFile);
            context.Stdout.WriteLine($"Loading test {display} ...");
            try
            {
                rows.AddRange(RunTest(testFile, display, verifier, parallelism));
            }
            catch (TestFileException ex)
            {
                loadFailures++;
                context.WriteError(ex.Message, display);
            }
        }

        WriteTable(context.Stdout, rows, args.Has("--detailed-results"), args.Has("--fail-only"));
        var passed = rows.Count(r => r.Passed);
        var failed = rows.Count - passed;
        context.Stdout.WriteLine($"Test Summary: {passed} tests passed and {failed} tests failed");
        if (args.Value("--junit") is { } junit)
        {
            using var writer = new StreamWriter(context.FullPath(junit));
            JUnitReporter.WriteSuites(
                [.. rows.GroupBy(r => r.Policy).Select(g => new JUnitSuite(g.Key,
                    [.. g.Select(r => new JUnitCase(r.Rule, r.Resource, r.Passed ? JUnitStatus.Passed : JUnitStatus.Failed, r.Reason, r.Message))]))],
                writer, "imagegate test");
        }
        return failed > 0 || loadFailures > 0 ? ExitCodes.Blocking : ExitCodes.Ok;
    }

    private static List<Row> RunTest(string testFile, string display, Verification.IImageVerifier verifier, int parallelism)
    {
        var dir = Path.GetDirectoryName(testFile)!;
        var errors = new List<ManifestException>();
        var test = KyvernoInputs.Documents([testFile], dir, errors).Select(d => d.Json).FirstOrDefault(j => (string?)j["kind"] == "Test");
        if (errors.Count > 0 || test is null)
        {
            throw new TestFileException(errors.Count > 0 ? errors[0].Message : "no cli.kyverno.io Test document found");
        }
        if (test["name"] is not null)
        {
            throw new TestFileException("the top-level 'name' field is deprecated; use metadata.name");
        }
        var expectations = (test["results"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var operations = new List<string?> { null };
        foreach (var e in expectations)
        {
            if ((string?)e["operation"] is { } op)
            {
                if (op is not ("CREATE" or "UPDATE" or "DELETE" or "CONNECT"))
                {
                    throw new TestFileException($"results: unknown operation '{op}'");
                }
                if (!operations.Contains(op))
                {
                    operations.Add(op);
                }
            }
        }
        // One evaluation per operation: the default one and each explicit `operation` of the results.
        var outcomes = new Dictionary<string, EvaluationOutput>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            var output = EvaluationRun.Execute(new EvaluationRequest
            {
                Policies = Paths(test, "policies"),
                Resources = Paths(test, "resources"),
                Exceptions = Paths(test, "exceptions"),
                Values = Paths(test, "variables"),
                InlineValues = test["values"] as JsonObject,
                Context = Paths(test, "context"),
                ClusterResources = Paths(test, "clusterResources"),
                Operation = operation,
                ResolveDigests = false, // kyverno test never pins digests
                GlobalContext = GlobalContextEntries(test),
                Parallelism = parallelism,
            }, verifier, dir);
            var inputErrors = output.Result.Diagnostics.Where(d => d.Level == DiagnosticLevel.Error).ToList();
            if (inputErrors.Count > 0)
            {
                throw new TestFileException(string.Join("; ", inputErrors.Select(d => $"{d.Location}: {d.Message}")));
            }
            outcomes[operation ?? ""] = output;
        }
        return [.. expectations.SelectMany(e => Check(e, outcomes, display))];
    }

    private static IEnumerable<Row> Check(JsonObject expectation, Dictionary<string, EvaluationOutput> outcomes, string testFile)
    {
        var policyRef = (string?)expectation["policy"] ?? "";
        var policyName = policyRef[(policyRef.LastIndexOf('/') + 1)..];
        var expected = ((string?)expectation["result"] ?? "").ToLowerInvariant();
        var output = outcomes[(string?)expectation["operation"] ?? ""];
        var resources = output.Resources;
        var wanted = (expectation["resources"] as JsonArray ?? []).Select(r => r?.ToString() ?? "").ToList();
        var specs = (expectation["resourceSpecs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var selected = wanted.Count == 0 && specs.Count == 0
            ? resources
            : resources.Where(r => wanted.Any(w => w == r.Name || w == $"{r.Namespace}/{r.Name}") || specs.Any(s => SpecMatches(s, r))).ToList();
        var missing = wanted.Where(w => !resources.Any(r => w == r.Name || w == $"{r.Namespace}/{r.Name}")).ToList();
        foreach (var name in missing)
        {
            yield return new Row(policyRef, "", name, false, "Not found", $"resource {name} is not among the resources of the test", testFile);
        }
        foreach (var resource in selected)
        {
            var key = $"{resource.ApiVersion}/{resource.Kind}/{(resource.Namespace.Length > 0 ? resource.Namespace + "/" : "")}{resource.Name}";
            var responses = output.Outcomes.Where(r => ReferenceEquals(r.Resource, resource) && r.Outcome.Policy.Name == policyName).Select(r => r.Outcome).ToList();
            if (responses.Count == 0)
            {
                yield return new Row(policyRef, "", key, false, "Not found", $"policy {policyName} does not apply to {key} (not matched by matchConstraints or matchConditions)", testFile);
                continue;
            }
            foreach (var response in responses)
            {
                var actual = response.Status switch
                {
                    PolicyStatus.Pass => "pass",
                    PolicyStatus.Fail => response.Policy.Scored ? "fail" : "warn",
                    PolicyStatus.Skip => "skip",
                    _ => "error",
                };
                var ok = actual == expected;
                yield return new Row(policyRef, response.Rule, key, ok, ok ? "Ok" : $"Want {expected}, got {actual}", response.Message, testFile);
            }
        }
    }

    /// <summary><c>globalContextEntries[]</c> with inline <c>data</c> (the form that needs no cluster).</summary>
    private static Dictionary<string, JsonNode?> GlobalContextEntries(JsonObject test)
    {
        var entries = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var entry in (test["globalContextEntries"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)entry["name"] is not { Length: > 0 } name)
            {
                throw new TestFileException("globalContextEntries: every entry needs a name");
            }
            if (entry["data"] is null)
            {
                throw new TestFileException($"globalContextEntries[{name}]: only inline 'data' is supported offline");
            }
            entries[name] = entry["data"]!.DeepClone();
        }
        return entries;
    }

    private static bool SpecMatches(JsonObject spec, EngineResource resource)
    {
        bool Field(string name, string actual) => (string?)spec[name] is not { Length: > 0 } want || want == actual;
        var slash = resource.ApiVersion.IndexOf('/');
        var group = slash < 0 ? "" : resource.ApiVersion[..slash];
        var version = slash < 0 ? resource.ApiVersion : resource.ApiVersion[(slash + 1)..];
        return Field("group", group) && Field("version", version) && Field("kind", resource.Kind)
            && Field("namespace", resource.Namespace) && Field("name", resource.Name);
    }

    private static IReadOnlyList<string> Paths(JsonObject test, string field) => test[field] switch
    {
        JsonArray list => [.. list.Select(p => p?.ToString() ?? "").Where(p => p.Length > 0)],
        JsonValue single when single.TryGetValue<string>(out var path) => [path],
        _ => [],
    };

    private static void WriteTable(TextWriter writer, List<Row> rows, bool detailed, bool failOnly)
    {
        var header = detailed ? new[] { "ID", "POLICY", "RULE", "RESOURCE", "RESULT", "REASON", "MESSAGE" } : ["ID", "POLICY", "RULE", "RESOURCE", "RESULT", "REASON"];
        var table = new List<string[]> { header };
        var id = 0;
        foreach (var row in rows)
        {
            id++;
            if (failOnly && row.Passed)
            {
                continue;
            }
            var cells = new List<string> { id.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Policy, row.Rule, row.Resource, row.Passed ? "Pass" : "Fail", row.Reason };
            if (detailed)
            {
                cells.Add(row.Message.ReplaceLineEndings(" "));
            }
            table.Add([.. cells]);
        }
        var widths = Enumerable.Range(0, header.Length).Select(c => table.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var r in table)
        {
            text.Append(string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        }
        writer.Write(text.ToString());
    }
}

/// <summary>A test file that cannot be read or is invalid.</summary>
internal sealed class TestFileException(string message) : Exception(message);
