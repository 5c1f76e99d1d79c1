using ImageGate.Ci.Publishing;
using ImageGate.Reporting;
using ImageGate.Reporting.Formatting;
using Octokit;

namespace ImageGate.Ci.GitHub.Api;

/// <summary>The opt-in check run on the pull request's head commit, with annotations sent 50 per request.</summary>
public sealed class GitHubCheckRunPublisher : IRunPublisher
{
    /// <summary>Annotations GitHub accepts in one create or update request.</summary>
    public const int AnnotationsPerRequest = 50;

    private const string Permission = "checks: write";
    private const int MaxOutputChars = 65_535;
    private const int MaxAnnotationMessageChars = 60_000;
    private const int MaxAnnotationTitleChars = 255;
    private readonly GitHubContext _context;
    private readonly Lazy<GitHubClient>? _client;
    private readonly string? _token;
    private readonly GitHubPublisherOptions _options;

    internal GitHubCheckRunPublisher(GitHubContext context, Lazy<GitHubClient>? client, string? token, GitHubPublisherOptions options)
    {
        _context = context;
        _client = client;
        _token = token;
        _options = options;
    }

    /// <inheritdoc />
    public string Name => "github-check-run";

    /// <inheritdoc />
    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_context.PullRequest is { IsFork: true } fork)
        {
            return PublishOutcome.Skipped($"No check run: #{fork.Number} comes from a fork, whose token is read-only; "
                + "the annotations, job summary and SARIF file carry the results.");
        }
        // On pull_request, GITHUB_SHA is a merge commit nobody sees: the check belongs on the head commit.
        var headSha = _context.PullRequest?.HeadSha ?? _context.Sha;
        if (string.IsNullOrEmpty(headSha))
        {
            return PublishOutcome.Skipped("No check run: neither a pull request head nor GITHUB_SHA names the commit.");
        }
        if (string.IsNullOrEmpty(_token) || _client is null)
        {
            return PublishOutcome.Skipped("No check run: no token (set the github-token input, which defaults to the job's GITHUB_TOKEN).");
        }
        if (GitHubApi.SplitRepository(_context.Repository) is not var (owner, repo))
        {
            return PublishOutcome.Skipped("No check run: GITHUB_REPOSITORY is not set as owner/name.");
        }

        var (annotations, omitted) = Annotations(request.Result);
        var batches = annotations.Chunk(AnnotationsPerRequest).ToList();
        var title = Title(request.Result);
        var summary = Summary(request.MarkdownReport, omitted);
        var conclusion = Conclusion(request.Result);
        var action = "creating the check run";
        try
        {
            var gh = _client.Value;
            var single = batches.Count <= 1;
            var create = new NewCheckRun(_options.CheckRunName, headSha)
            {
                Status = single ? CheckStatus.Completed : CheckStatus.InProgress,
                Conclusion = single ? conclusion : null,
                StartedAt = DateTimeOffset.UtcNow,
                CompletedAt = single ? DateTimeOffset.UtcNow : null,
                ExternalId = _context.RunId,
                DetailsUrl = GitHubApi.RunUrl(_context)?.AbsoluteUri,
                Output = Output(title, summary, batches.Count > 0 ? batches[0] : []),
            };
            var run = await gh.Check.Run.Create(owner, repo, create).WaitAsync(cancellationToken).ConfigureAwait(false);
            action = "adding annotations to the check run";
            for (var i = 1; i < batches.Count; i++)
            {
                var last = i == batches.Count - 1;
                var update = new CheckRunUpdate { Output = Output(title, summary, batches[i]) };
                if (last)
                {
                    update.Status = CheckStatus.Completed;
                    update.Conclusion = conclusion;
                    update.CompletedAt = DateTimeOffset.UtcNow;
                }
                await gh.Check.Run.Update(owner, repo, run.Id, update).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            var notices = new List<string> { $"Created check run '{_options.CheckRunName}' ({conclusion.ToString().ToLowerInvariant()}) on {headSha} with {annotations.Count} annotation(s): {run.HtmlUrl}" };
            if (omitted > 0)
            {
                notices.Add($"{omitted} annotation(s) were left out of the check run; its summary and the SARIF file list every finding.");
            }
            return new PublishOutcome(true, notices.Select(n => GitHubApi.Scrub(n, _token)).ToArray());
        }
        catch (Exception e) when (GitHubApi.IsApiFailure(e, cancellationToken))
        {
            return PublishOutcome.Skipped(GitHubApi.Scrub(GitHubApi.Describe(e, action, Permission, _context.ApiUrl), _token));
        }
    }

    /// <summary>The conclusion GitHub shows: failure when the run fails, neutral when only non-blocking findings remain, else success.</summary>
    internal CheckConclusion Conclusion(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.ExitCode(_options.Report.FailOn) != ExitCodes.Success ? CheckConclusion.Failure
            : result.Findings.Any(f => f.IsViolation) ? CheckConclusion.Neutral
            : CheckConclusion.Success;
    }

    /// <summary>The annotations to send (repository-relative, at most <see cref="GitHubPublisherOptions.MaxCheckRunAnnotations"/>) and how many were left out.</summary>
    internal (IReadOnlyList<NewCheckRunAnnotation> Annotations, int Omitted) Annotations(RunResult result)
    {
        var max = Math.Max(0, _options.MaxCheckRunAnnotations);
        var (planned, omitted) = AnnotationPlan.Build(result, _options.Report, Math.Max(1, max));
        var root = _options.Report.RepositoryRoot ?? _context.Workspace;
        var chosen = new List<NewCheckRunAnnotation>();
        foreach (var a in planned)
        {
            var path = a.Location is { } span ? RepoPath.Relative(span.File, root) : null;
            // GitHub places annotations on repository files only; the rest stay in the summary.
            if (path is null || path.Length == 0 || path.StartsWith('/') || path.StartsWith("../", StringComparison.Ordinal) || chosen.Count >= max)
            {
                omitted++;
                continue;
            }
            var span2 = a.Location!;
            var start = Math.Max(1, span2.Line);
            var end = Math.Max(start, span2.EndLine);
            var level = a.Level switch
            {
                AnnotationLevel.Error => CheckAnnotationLevel.Failure,
                AnnotationLevel.Warning => CheckAnnotationLevel.Warning,
                _ => CheckAnnotationLevel.Notice,
            };
            var annotation = new NewCheckRunAnnotation(path, start, end, level, GitHubApi.Cut(a.Message, MaxAnnotationMessageChars))
            {
                Title = GitHubApi.Cut(a.Title, MaxAnnotationTitleChars),
            };
            // GitHub takes columns only on single-line annotations.
            if (start == end && span2.Line > 0 && span2.Column > 0)
            {
                annotation.StartColumn = span2.Column;
                if (span2.EndColumn > span2.Column)
                {
                    annotation.EndColumn = span2.EndColumn;
                }
            }
            chosen.Add(annotation);
        }
        return (chosen, omitted);
    }

    private static NewCheckRunOutput Output(string title, string summary, IReadOnlyList<NewCheckRunAnnotation> batch) =>
        new(title, summary) { Annotations = batch.Count > 0 ? batch.ToList() : null };

    private string Title(RunResult result)
    {
        var s = result.Summary;
        var blocking = result.BlockingFindings(_options.Report.FailOn).Count();
        return $"{blocking} blocking, {s.Fail} failed, {s.Warn} warned, {s.Error} errors, {s.Pass} passed";
    }

    private static string Summary(string markdown, int omitted)
    {
        var note = omitted > 0 ? $"\n\n{omitted} annotation(s) are not attached to this check run; the SARIF file lists every finding." : "";
        var report = markdown.TrimEnd();
        if (report.Length + note.Length > MaxOutputChars)
        {
            const string cut = "\n\n(Report cut to GitHub's 65,535-character limit.)";
            report = GitHubApi.Cut(report, MaxOutputChars - note.Length - cut.Length) + cut;
        }
        return report.Length == 0 && note.Length == 0 ? "No findings." : report + note;
    }
}
