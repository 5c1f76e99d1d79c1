using ImageGate.TestSupport;
using ImageGate.TestSupport.Sarif;

namespace ImageGate.Reporting.Tests;

/// <summary>The SARIF Multitool check itself: it must reject what GitHub rejects, naming the rule.</summary>
[TestClass]
public sealed class SarifValidatorTests
{
    private const string Valid = """
        { "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
          "runs": [{ "tool": { "driver": { "name": "ImageGate", "rules": [{ "id": "IVPOL/p/validation-0",
              "shortDescription": { "text": "s" }, "fullDescription": { "text": "f" }, "help": { "text": "h" } }] } },
            "results": [{ "ruleId": "IVPOL/p/validation-0", "ruleIndex": 0, "level": "error", "message": { "text": "m." },
              "locations": [{ "physicalLocation": { "artifactLocation": { "uri": "deploy/web.yaml" },
                "region": { "startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 9 } } }],
              "partialFingerprints": { "imagegate/v1": "abc" } }] }] }
        """;

    [TestMethod]
    public void A_well_formed_log_passes()
    {
        SarifValidator.AssertValidText(Valid);
    }

    [TestMethod]
    public void A_result_without_locations_fails_with_githubs_rule()
    {
        var broken = Valid.Replace("\"locations\"", "\"relatedLocations\"", StringComparison.Ordinal);
        var e = Assert.ThrowsExactly<SarifValidationException>(() => SarifValidator.AssertValidText(broken));
        StringAssert.Contains(e.Message, "GH1015");
        StringAssert.Contains(e.Message, "does not provide a 'locations' array");
    }

    [TestMethod]
    public void A_rule_index_past_the_rules_and_a_zero_line_fail_with_the_sarif_rules()
    {
        var broken = Valid.Replace("\"ruleIndex\": 0", "\"ruleIndex\": 4", StringComparison.Ordinal)
            .Replace("\"startLine\": 3", "\"startLine\": 0", StringComparison.Ordinal);
        var e = Assert.ThrowsExactly<SarifValidationException>(() => SarifValidator.AssertValidText(broken));
        StringAssert.Contains(e.Message, "SARIF1009");
        StringAssert.Contains(e.Message, "JSON1008");
    }

    [TestMethod]
    public void A_missing_file_is_an_error_not_a_pass()
    {
        using var files = new TestFiles("sarif-missing");
        Assert.ThrowsExactly<SarifValidationException>(() => SarifValidator.AssertValid(Path.Combine(files.Root, "none.sarif")));
    }
}
