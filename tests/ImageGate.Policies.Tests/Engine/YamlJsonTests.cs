using System.Text.Json.Nodes;
using ImageGate.Policies.Engine;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Tests.Engine;

/// <summary>Manifests become JSON with the same scalar typing the policy loader uses (Kubernetes' YAML 1.1).</summary>
[TestClass]
public sealed class YamlJsonTests
{
    [TestMethod]
    public void ScalarsAreTypedAsKubernetesReadsThem()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader("""
            plainYes: yes
            quotedYes: "yes"
            hex: 0x1F
            octal: 0755
            big: 1_000
            float: 1.5
            inf: .inf
            nothing: ~
            text: nginx:1.27
            block: |
              true
            """));
        var json = (JsonObject)YamlJson.Convert(stream.Documents[0].RootNode)!;
        Assert.IsTrue(json["plainYes"]!.GetValue<bool>());
        Assert.AreEqual("yes", json["quotedYes"]!.GetValue<string>());
        Assert.AreEqual(31L, json["hex"]!.GetValue<long>());
        Assert.AreEqual(493L, json["octal"]!.GetValue<long>());
        Assert.AreEqual(1000L, json["big"]!.GetValue<long>());
        Assert.AreEqual(1.5, json["float"]!.GetValue<double>());
        Assert.IsTrue(double.IsPositiveInfinity(json["inf"]!.GetValue<double>()));
        Assert.IsNull(json["nothing"]);
        Assert.AreEqual("nginx:1.27", json["text"]!.GetValue<string>());
        Assert.AreEqual("true", json["block"]!.GetValue<string>().TrimEnd());
    }
}
