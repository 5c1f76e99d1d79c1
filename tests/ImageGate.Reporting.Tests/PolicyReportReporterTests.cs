using ImageGate.Reporting;
using ImageGate.Reporting.Formatting;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class PolicyReportReporterTests
{
    private static List<YamlMappingNode> Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static string S(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }
        return ((YamlScalarNode)node).Value!;
    }

    private static YamlNode N(YamlNode node, string key) => ((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    [TestMethod]
    public void One_policy_report_per_namespace_and_a_cluster_report_for_cluster_scoped_resources()
    {
        var findings = new[]
        {
            Samples.Finding(ns: "team-a", name: "a1", order: 0),
            Samples.Finding(ns: "team-b", name: "b1", result: Outcome.Pass, message: "success", order: 1),
            Samples.Finding(ns: "team-a", name: "a2", result: Outcome.Pass, message: "success", order: 2),
            Samples.Finding(order: 3) with { Resource = new ResourceRef("v1", "Namespace", null, "prod") },
        };
        var docs = Parse(Samples.Render(new PolicyReportReporter(Samples.Options), new RunResult(findings)));
        Assert.AreEqual(3, docs.Count);
        Assert.AreEqual("ClusterPolicyReport", S(docs[0], "kind"));
        Assert.IsFalse(((YamlMappingNode)N(docs[0], "metadata")).Children.ContainsKey(new YamlScalarNode("namespace")));
        Assert.AreEqual("PolicyReport", S(docs[1], "kind"));
        Assert.AreEqual("team-a", S(docs[1], "metadata", "namespace"));
        Assert.AreEqual("team-b", S(docs[2], "metadata", "namespace"));
        foreach (var doc in docs)
        {
            Assert.AreEqual("wgpolicyk8s.io/v1alpha2", S(doc, "apiVersion"));
            Assert.AreEqual("imagegate", S(doc, "metadata", "name"));
        }
        var teamA = (YamlSequenceNode)N(docs[1], "results");
        CollectionAssert.AreEqual(new[] { "a1", "a2" }, teamA.Children.Select(r => S(((YamlSequenceNode)N(r, "resources"))[0], "name")).ToArray());
        Assert.AreEqual("1", S(docs[1], "summary", "fail"));
        Assert.AreEqual("1", S(docs[1], "summary", "pass"));
        Assert.AreEqual("0", S(docs[1], "summary", "warn"));
    }

    [TestMethod]
    public void Results_are_shaped_like_kyverno_reports()
    {
        var fail = Samples.Finding() with
        {
            Properties = new Dictionary<string, string> { ["label"] = "prod", ["message"] = "annotation must not rewrite" },
            Category = "Supply Chain",
            Severity = "High",
        };
        var skip = Samples.Finding(result: Outcome.Skip, name: "s", message: "rule is skipped due to policy exception: default/allow", order: 1) with
        {
            Rule = "exception",
            Exceptions = ["allow", "allow-2"],
            Properties = new Dictionary<string, string> { ["label"] = "prod" },
        };
        var unscored = Samples.Finding(name: "u", scored: false, order: 2);
        var run = new RunResult([fail, skip, unscored]) { Mode = EvaluationMode.Background };
        var results = ((YamlSequenceNode)N(Parse(Samples.Render(new PolicyReportReporter(Samples.Options), run))[0], "results")).Children;

        var r = results[0];
        Assert.AreEqual("KyvernoImageValidatingPolicy", S(r, "source"));
        Assert.AreEqual("check-signature", S(r, "policy"));
        Assert.AreEqual("check-signature", S(r, "rule"));
        Assert.AreEqual("fail", S(r, "result"));
        Assert.AreEqual("image ghcr.io/acme/web:1.2.3 failed signature verification", S(r, "message"));
        Assert.AreEqual("true", S(r, "scored"));
        Assert.AreEqual(ScalarStyle.Plain, ((YamlScalarNode)N(r, "scored")).Style, "scored is a boolean");
        Assert.AreEqual("Supply Chain", S(r, "category"));
        Assert.AreEqual("high", S(r, "severity"));
        Assert.AreEqual("background scan", S(r, "properties", "process"));
        Assert.AreEqual("prod", S(r, "properties", "label"));
        Assert.AreEqual("deploy/web.yaml", S(r, "properties", "imagegate/file"));
        Assert.AreEqual("1764253183", S(r, "timestamp", "seconds"));
        Assert.AreEqual("0", S(r, "timestamp", "nanos"));
        var subject = ((YamlSequenceNode)N(r, "resources"))[0];
        Assert.AreEqual("v1", S(subject, "apiVersion"));
        Assert.AreEqual("Pod", S(subject, "kind"));
        Assert.AreEqual("default", S(subject, "namespace"));

        Assert.AreEqual("skip", S(results[1], "result"));
        Assert.AreEqual("exception", S(results[1], "rule"));
        Assert.AreEqual("allow,allow-2", S(results[1], "properties", "exceptions"));
        Assert.IsFalse(((YamlMappingNode)N(results[1], "properties")).Children.ContainsKey(new YamlScalarNode("label")),
            "audit annotations only on pass and fail");

        Assert.AreEqual("warn", S(results[2], "result"));
        Assert.AreEqual("false", S(results[2], "scored"));
    }

    [TestMethod]
    public void Namespaced_policy_is_keyed_by_namespace_and_name()
    {
        var finding = Samples.Finding() with { Kind = PolicyKind.NamespacedImageValidatingPolicy, PolicyNamespace = "default" };
        var doc = Parse(Samples.Render(new PolicyReportReporter(Samples.Options), new RunResult([finding])))[0];
        Assert.AreEqual("default/check-signature", S(((YamlSequenceNode)N(doc, "results"))[0], "policy"));
    }

    [TestMethod]
    public void Empty_run_writes_an_empty_cluster_report()
    {
        var doc = Parse(Samples.Render(new PolicyReportReporter(Samples.Options), new RunResult([])))[0];
        Assert.AreEqual("ClusterPolicyReport", S(doc, "kind"));
        Assert.AreEqual(0, ((YamlSequenceNode)N(doc, "results")).Children.Count);
        Assert.AreEqual("0", S(doc, "summary", "fail"));
    }

    private static readonly string[] Tricky =
    [
        "true", "False", "yes", "No", "on", "OFF", "y", "n", "null", "Null", "~", "", " ", " lead", "trail ", "123", "-1", "+1", "1.5",
        "1e3", "0x1F", "0o17", ".inf", "-.Inf", ".nan", "2024-01-01", "-", "- a", "a: b", "a:b", "key:", "#x", "x #y", "'q'", "\"dq\"",
        "*alias", "&anchor", "!tag", "%dir", "@x", "`x", "{a}", "[a]", "? x", "|", ">", "---", "...", "\\", "a\nb", "a\r\nb", "tab\there",
        "\u0001\u001b\u007f", "\u0085", "\u2028\u2029", "\ufeffbom", "é ü", "😀", "ghcr.io/acme/web:1.2.3@sha256:abc", Samples.Hostile,
        "plain-name", "apps/v1",
    ];

    [TestMethod]
    public void Every_tricky_scalar_reads_back_as_the_same_string()
    {
        var map = new YamlMap();
        var list = new List<object?>();
        for (var i = 0; i < Tricky.Length; i++)
        {
            map.Add(Tricky[i].Length == 0 ? "empty" : Tricky[i], Tricky[i]);
            list.Add(Tricky[i]);
        }
        var doc = new YamlMap { { "map", map }, { "list", list } };
        var w = new StringWriter();
        YamlEmitter.WriteDocuments(w, [doc]);
        var root = Parse(w.ToString())[0];
        var parsedMap = (YamlMappingNode)N(root, "map");
        var parsedList = (YamlSequenceNode)N(root, "list");
        for (var i = 0; i < Tricky.Length; i++)
        {
            var item = (YamlScalarNode)parsedList[i];
            Assert.AreEqual(Tricky[i], item.Value, $"item {i}");
            var plainAllowed = Tricky[i] is "plain-name" or "apps/v1";
            Assert.AreEqual(plainAllowed, item.Style == ScalarStyle.Plain, $"style of {Tricky[i]}");
            var key = Tricky[i].Length == 0 ? "empty" : Tricky[i];
            Assert.AreEqual(Tricky[i], ((YamlScalarNode)parsedMap.Children[new YamlScalarNode(key)]).Value, $"key {i}");
        }
    }

    [TestMethod]
    public void Hostile_report_fields_round_trip()
    {
        var finding = Samples.Finding(message: Samples.Hostile, name: "weird: name") with
        {
            Properties = new Dictionary<string, string> { ["k: v\n- x"] = "#not a comment" },
        };
        var doc = Parse(Samples.Render(new PolicyReportReporter(Samples.Options), new RunResult([finding])))[0];
        var r = ((YamlSequenceNode)N(doc, "results"))[0];
        Assert.AreEqual(Samples.Hostile, S(r, "message"));
        Assert.AreEqual("#not a comment", S(r, "properties", "k: v\n- x"));
        Assert.AreEqual("weird: name", S(((YamlSequenceNode)N(r, "resources"))[0], "name"));
    }

    [TestMethod]
    public void Output_is_byte_identical_across_runs_with_a_fixed_timestamp()
    {
        var a = Samples.Render(new PolicyReportReporter(Samples.Options), Samples.Mixed());
        var b = Samples.Render(new PolicyReportReporter(Samples.Options), new RunResult(Samples.Mixed().Findings.Reverse()));
        Assert.AreEqual(a, b);
    }
}
