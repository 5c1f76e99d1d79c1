using System.Text;
using System.Text.Json;
using ImageGate.Cli.Framework;
using ImageGate.Manifests;
using ImageGate.Manifests.Discovery;
using ImageGate.Manifests.Workloads;
using Microsoft.Extensions.Logging;

namespace ImageGate.Cli.Commands;

/// <summary><c>imagegate images PATH...</c>: lists every workload found in the manifests and the images it runs.</summary>
public sealed class ImagesCommand : Command
{
    /// <inheritdoc />
    public override string Name => "images";

    /// <inheritdoc />
    public override string Summary => "list the workloads and container images found in manifests";

    /// <inheritdoc />
    public override string? Description =>
        "Reads files, folders (recursively), globs such as 'deploy/**/*.yaml' and '-' for standard input.\n" +
        "Understands multi-document YAML, JSON, List objects, kustomize output and helm template output\n" +
        "(objects rendered by Helm are mapped back to their chart template line when the chart is found).";

    /// <inheritdoc />
    public override PositionalSpec Positionals { get; } = new("PATH", "file, folder, glob, or - for standard input", 1);

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("--exclude", "leave out matching files or folders (a pattern without '/' matches a name anywhere)", "GLOB", Repeatable: true),
        new("--format", "output format", "FORMAT", "-o", AllowedValues: ["table", "json"], Default: "table"),
        new("--output", "write the result to FILE instead of standard output", "FILE"),
        new("--chart-root", "folder holding Helm charts, for mapping helm template output to templates", "DIR", Repeatable: true),
        new("--continue-on-error", "report unreadable or invalid files and go on with the rest (the exit code is still 2)"),
    ];

    /// <inheritdoc />
    public override int Execute(ParsedArguments args, CliContext context)
    {
        var log = context.Logging.CreateLogger<ImagesCommand>();
        var result = ManifestDiscovery.Discover(args.Positionals, new DiscoveryOptions
        {
            Exclude = args.Values("--exclude"),
            ChartRoots = args.Values("--chart-root"),
            ContinueOnError = args.Has("--continue-on-error"),
            WorkingDirectory = context.WorkingDirectory,
            Stdin = context.Stdin,
        });
        foreach (var notice in result.Notices)
        {
            log.LogInformation("{Notice}", notice);
        }
        foreach (var error in result.Errors)
        {
            context.WriteError(error.Reason, error.Location);
        }
        var workloads = result.Documents.Where(d => WorkloadImages.IsWorkload(d.Kind)).ToList();
        log.LogInformation("read {Files} files: {Workloads} workloads, {Images} images", result.Files.Count, workloads.Count, workloads.Sum(w => w.Images.Count));

        var text = args.Value("--format") == "json" ? Json(workloads, result) : Table(workloads);
        if (args.Value("--output") is { } output)
        {
            try
            {
                File.WriteAllText(context.FullPath(output), text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot write '{output}': {e.Message}");
            }
        }
        else
        {
            context.Stdout.Write(text);
        }
        return result.Errors.Count > 0 ? ExitCodes.UsageOrInputError : ExitCodes.Ok;
    }

    private static string Table(List<ManifestDocument> workloads)
    {
        if (workloads.Count == 0)
        {
            return "No workloads found.\n";
        }
        var rows = new List<string[]> { new[] { "LOCATION", "WORKLOAD", "CONTAINER", "LIST", "IMAGE", "TEMPLATE" } };
        foreach (var workload in workloads)
        {
            if (workload.Images.Count == 0)
            {
                rows.Add([workload.Span.ToLineString(), workload.DisplayName, "-", "-", "-", TemplateText(workload, workload.Helm?.Template)]);
            }
            foreach (var image in workload.Images)
            {
                rows.Add([image.Span.ToLineString(), workload.DisplayName, image.ContainerName, image.ListName, image.Image, TemplateText(workload, image.Template)]);
            }
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var c = 0; c < row.Length; c++)
            {
                line.Append(c == row.Length - 1 ? row[c] : row[c].PadRight(widths[c] + 2));
            }
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The template column: file:line, the template file, or the # Source: path when the chart is not in the tree.</summary>
    private static string TemplateText(ManifestDocument workload, TemplateLocation? template) =>
        template?.ToString() ?? (workload.Helm is { } helm ? $"{helm.SourcePath} (chart not found; see --chart-root)" : "");

    private static string Json(List<ManifestDocument> workloads, DiscoveryResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("version", "1");
            json.WriteStartArray("workloads");
            foreach (var workload in workloads)
            {
                json.WriteStartObject();
                WriteSpan(json, workload.Span);
                json.WriteNumber("documentIndex", workload.DocumentIndex);
                if (workload.ItemIndex is { } item)
                {
                    json.WriteNumber("itemIndex", item);
                }
                json.WriteString("apiVersion", workload.ApiVersion);
                json.WriteString("kind", workload.Kind);
                if (workload.Namespace is null)
                {
                    json.WriteNull("namespace");
                }
                else
                {
                    json.WriteString("namespace", workload.Namespace);
                }
                json.WriteString("name", workload.Name);
                if (workload.Helm is { } helm)
                {
                    json.WriteStartObject("helm");
                    json.WriteString("source", helm.SourcePath);
                    json.WriteString("chart", helm.Chart);
                    WriteTemplate(json, helm.Template);
                    json.WriteEndObject();
                }
                if (workload.KustomizeOrigin is { } origin)
                {
                    json.WriteString("kustomizeOrigin", origin);
                }
                json.WriteStartArray("images");
                foreach (var image in workload.Images)
                {
                    json.WriteStartObject();
                    json.WriteString("image", image.Image);
                    json.WriteString("container", image.ContainerName);
                    json.WriteString("list", image.ListName);
                    json.WriteString("fieldPath", image.FieldPath);
                    WriteSpan(json, image.Span);
                    if (workload.Helm is not null)
                    {
                        WriteTemplate(json, image.Template);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("errors");
            foreach (var error in result.Errors)
            {
                json.WriteStartObject();
                json.WriteString("file", error.File);
                WriteOptionalNumber(json, "line", error.Line);
                WriteOptionalNumber(json, "column", error.Column);
                json.WriteString("message", error.Reason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("summary");
            json.WriteNumber("files", result.Files.Count);
            json.WriteNumber("workloads", workloads.Count);
            json.WriteNumber("images", workloads.Sum(w => w.Images.Count));
            json.WriteNumber("errors", result.Errors.Count);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteSpan(Utf8JsonWriter json, SourceSpan span)
    {
        json.WriteString("file", span.File);
        json.WriteNumber("line", span.StartLine);
        json.WriteNumber("column", span.StartColumn);
        json.WriteNumber("endLine", span.EndLine);
        json.WriteNumber("endColumn", span.EndColumn);
    }

    private static void WriteTemplate(Utf8JsonWriter json, TemplateLocation? template)
    {
        if (template is null)
        {
            json.WriteNull("template");
            return;
        }
        json.WriteStartObject("template");
        if (template.Span is { } span)
        {
            WriteSpan(json, span);
        }
        else
        {
            json.WriteString("file", template.File);
        }
        json.WriteEndObject();
    }

    private static void WriteOptionalNumber(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
