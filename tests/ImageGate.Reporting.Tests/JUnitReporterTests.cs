using System.Xml;
using System.Xml.Linq;
using ImageGate.Reporting;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class JUnitReporterTests
{
    private static XDocument Parse(string xml) => XDocument.Parse(xml, LoadOptions.PreserveWhitespace);

    [TestMethod]
    public void One_suite_per_policy_with_counts_and_case_elements()
    {
        var other = Samples.Finding(policy: "require-digest", name: "api", order: 10);
        var run = new RunResult(Samples.Mixed().Findings.Append(other));
        var text = Samples.Render(new JUnitReporter(Samples.Options), run);
        StringAssert.StartsWith(text, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        var root = Parse(text).Root!;
        Assert.AreEqual("testsuites", root.Name.LocalName);
        Assert.AreEqual("8", root.Attribute("tests")!.Value);
        Assert.AreEqual("5", root.Attribute("failures")!.Value, "three fails, the unscored warn and the other policy's fail");
        Assert.AreEqual("1", root.Attribute("errors")!.Value);
        Assert.AreEqual("1", root.Attribute("skipped")!.Value);
        var suites = root.Elements("testsuite").ToList();
        CollectionAssert.AreEqual(new[] { "check-signature", "require-digest" }, suites.Select(s => s.Attribute("name")!.Value).ToArray());
        var cases = suites[0].Elements("testcase").ToList();
        Assert.AreEqual(7, cases.Count);
        Assert.AreEqual("default/Pod/ok [deploy/web.yaml:12]", cases[0].Attribute("name")!.Value);
        Assert.IsNotNull(cases[0].Element("system-out"));
        Assert.AreEqual("PolicyViolation", cases[1].Element("failure")!.Attribute("type")!.Value);
        Assert.IsNotNull(cases[4].Element("error"));
        Assert.IsNotNull(cases[5].Element("skipped"));
        StringAssert.Contains(cases[1].Element("failure")!.Value, "actions: Deny (blocking)");
    }

    [TestMethod]
    public void Hostile_text_gives_well_formed_xml_that_round_trips()
    {
        var message = Samples.Hostile + "\ud800 \ufffe ]]> <![CDATA[ x ]]>";
        var finding = Samples.Finding(message: message, policy: "p<&>\"'\u0002", name: "n\u000b");
        var text = Samples.Render(new JUnitReporter(Samples.Options), new RunResult([finding]));
        var settings = new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit };
        using (var reader = XmlReader.Create(new StringReader(text), settings))
        {
            while (reader.Read())
            {
            }
        }
        var doc = Parse(text);
        var suite = doc.Root!.Element("testsuite")!;
        Assert.AreEqual("p<&>\"'\\u0002", suite.Attribute("name")!.Value);
        var failure = suite.Element("testcase")!.Element("failure")!;
        var expected = Samples.Hostile.Replace("\u0001", "\\u0001").Replace("\u001b", "\\u001b")
            + "\\ud800 \\ufffe ]]> <![CDATA[ x ]]>";
        StringAssert.Contains(failure.Value, "message: " + expected.Replace("\r\n", "\n"));
        Assert.IsFalse(failure.Attribute("message")!.Value.Contains('\n'), "the attribute holds the one-line message");
    }

    [TestMethod]
    public void Newlines_in_attributes_are_preserved()
    {
        var suites = new[] { new JUnitSuite("s", [new JUnitCase("c", "line1\nline2", JUnitStatus.Failed, "a\nb", "details")]) };
        var w = new StringWriter();
        JUnitReporter.WriteSuites(suites, w);
        var testcase = Parse(w.ToString()).Root!.Element("testsuite")!.Element("testcase")!;
        Assert.AreEqual("line1\nline2", testcase.Attribute("name")!.Value);
        Assert.AreEqual("a\nb", testcase.Element("failure")!.Attribute("message")!.Value);
    }

    [TestMethod]
    public void Empty_run_is_a_valid_document_with_zero_tests()
    {
        var root = Parse(Samples.Render(new JUnitReporter(), new RunResult([]))).Root!;
        Assert.AreEqual("0", root.Attribute("tests")!.Value);
        Assert.IsFalse(root.Elements().Any());
    }

    [TestMethod]
    public void Generic_suites_serve_test_command_rows()
    {
        var suites = new[]
        {
            new JUnitSuite("check-signature", [
                new JUnitCase("check-signature", "v1/Pod/default/good", JUnitStatus.Passed, Details: "Ok"),
                new JUnitCase("check-signature", "v1/Pod/default/bad", JUnitStatus.Failed, "Want pass, got fail", "image not signed"),
            ]),
        };
        var w = new StringWriter();
        JUnitReporter.WriteSuites(suites, w, "kyverno-test");
        var root = Parse(w.ToString()).Root!;
        Assert.AreEqual("kyverno-test", root.Attribute("name")!.Value);
        Assert.AreEqual("1", root.Attribute("failures")!.Value);
        var failure = root.Descendants("failure").Single();
        Assert.AreEqual("Want pass, got fail", failure.Attribute("message")!.Value);
        Assert.AreEqual("image not signed", failure.Value);
    }
}
