using ImageGate.Cli.Framework;

namespace ImageGate.Cli.Tests;

[TestClass]
public sealed class FrameworkTests
{
    [TestMethod]
    public void VersionPrintsTheAssemblyVersion()
    {
        var result = CliRunner.Run(["--version"]);
        Assert.AreEqual(0, result.ExitCode);
        Assert.AreEqual("imagegate 0.1.0\n", result.Stdout);
    }

    [TestMethod]
    public void TopLevelHelpListsEveryRegisteredCommand()
    {
        var result = CliRunner.Run(["--help"]);
        Assert.AreEqual(0, result.ExitCode);
        foreach (var command in CommandRegistry.Commands)
        {
            Assert.Contains($"  {command.Name}", result.Stdout);
        }
        Assert.Contains("Exit codes: 0 nothing blocking, 1 a blocking finding, 2 a usage or input error.", result.Stdout);
    }

    [TestMethod]
    public void EveryCommandHasHelp()
    {
        foreach (var command in CommandRegistry.Commands)
        {
            var result = CliRunner.Run([.. command.Name.Split(' '), "--help"]);
            Assert.AreEqual(0, result.ExitCode, command.Name);
            Assert.StartsWith($"Usage: imagegate {command.Name}", result.Stdout);
            Assert.Contains("--verbosity", result.Stdout);
            foreach (var option in command.Options)
            {
                Assert.Contains(option.Name, result.Stdout);
            }
        }
    }

    [TestMethod]
    public void NoArgumentsShowsHelpOnStderrWithExitTwo()
    {
        var result = CliRunner.Run([]);
        Assert.AreEqual(ExitCodes.UsageOrInputError, result.ExitCode);
        Assert.AreEqual("", result.Stdout);
        Assert.Contains("Usage: imagegate COMMAND", result.Stderr);
    }

    [TestMethod]
    public void UnknownCommandIsAUsageError()
    {
        var result = CliRunner.Run(["frobnicate"]);
        Assert.AreEqual(2, result.ExitCode);
        Assert.StartsWith("error: unknown command 'frobnicate'; commands: images", result.Stderr);
    }

    [TestMethod]
    [DataRow(new[] { "images", "examples", "--frobnicate" }, "error: unknown option '--frobnicate' for 'imagegate images'; run 'imagegate images --help' for usage")]
    [DataRow(new[] { "images", "examples", "-o", "yaml" }, "error: option '--format' does not accept 'yaml'; use one of: table, json; run 'imagegate images --help' for usage")]
    [DataRow(new[] { "images", "examples", "--exclude" }, "error: option '--exclude' needs a value (GLOB); run 'imagegate images --help' for usage")]
    [DataRow(new[] { "images" }, "error: 'imagegate images' needs at least 1 PATH argument; run 'imagegate images --help' for usage")]
    [DataRow(new[] { "images", "examples", "--continue-on-error=yes" }, "error: option '--continue-on-error' takes no value; run 'imagegate images --help' for usage")]
    [DataRow(new[] { "images", "examples", "-o", "json", "-o", "table" }, "error: option '--format' is given more than once; run 'imagegate images --help' for usage")]
    [DataRow(new[] { "images", "examples", "--verbosity", "loud" }, "error: option '--verbosity' does not accept 'loud'; use one of: quiet, normal, detailed, diagnostic; run 'imagegate images --help' for usage")]
    [DataRow(new[] { "--bogus", "images" }, "error: unknown option '--bogus'; run 'imagegate --help' for usage")]
    public void BadCommandLinesExitTwoWithAClearMessage(string[] args, string message)
    {
        var result = CliRunner.Run(args);
        Assert.AreEqual(2, result.ExitCode);
        Assert.AreEqual(message + "\n", result.Stderr);
        Assert.AreEqual("", result.Stdout);
    }

    [TestMethod]
    public void ParserHandlesInlineValuesDashAndDoubleDash()
    {
        OptionSpec[] options = [new("--format", "f", "FORMAT", "-o"), new("--exclude", "e", "GLOB", Repeatable: true), new("--flag", "x")];
        var parsed = ArgumentParser.Parse(["a", "--format=json", "--exclude", "x", "-", "--exclude=y", "--flag", "--", "--not-an-option"], options, new PositionalSpec("P", "p"), "t");
        CollectionAssert.AreEqual(new[] { "a", "-", "--not-an-option" }, parsed.Positionals);
        Assert.AreEqual("json", parsed.Value("--format"));
        CollectionAssert.AreEqual(new[] { "x", "y" }, parsed.Values("--exclude").ToList());
        Assert.IsTrue(parsed.Has("--flag"));
    }

    [TestMethod]
    public void CommandNamesAndOptionNamesAreUnique()
    {
        Assert.HasCount(CommandRegistry.Commands.Count, CommandRegistry.Commands.Select(c => c.Name).Distinct().ToList());
        foreach (var command in CommandRegistry.Commands)
        {
            var names = command.Options.Concat(HelpWriter.GlobalOptions).SelectMany(o => new[] { o.Name, o.ShortName }).OfType<string>().ToList();
            Assert.HasCount(names.Count, names.Distinct().ToList(), command.Name);
        }
    }

    [TestMethod]
    public void ExitCodesFollowTheDesign()
    {
        Assert.AreEqual(0, ExitCodes.Ok);
        Assert.AreEqual(1, ExitCodes.Blocking);
        Assert.AreEqual(2, ExitCodes.UsageOrInputError);
        Assert.AreEqual(2, ExitCodes.ForException(new UsageException("x")));
        Assert.AreEqual(2, ExitCodes.ForException(new ImageGate.Manifests.ManifestException("f", 1, 1, "bad")));
    }
}
