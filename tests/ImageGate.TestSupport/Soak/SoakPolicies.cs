using System.Text;

namespace ImageGate.TestSupport.Soak;

/// <summary>Writes the workload's ImageValidatingPolicies, one per file, cycling through eight realistic shapes:
/// CEL-only rules (registry allow-list, no <c>latest</c>, init containers from the platform registry), cosign key signatures per registry, per team
/// and for frontend workloads (matchConditions), image metadata checks (<c>image.GetMetadata</c>, <c>getImageData</c>),
/// with Deny, Warn and Audit actions and both default and restricted autogen.</summary>
internal static class SoakPolicies
{
    private static readonly string[] Actions = ["Deny", "Warn", "Audit"];
    private const int Shapes = 8;

    /// <summary>Writes <paramref name="count"/> policies into <paramref name="folder"/>.</summary>
    public static void Write(string folder, int count, IReadOnlyList<string> hosts, string publicKeyPem)
    {
        Directory.CreateDirectory(folder);
        for (var p = 0; p < count; p++)
        {
            var variant = p / Shapes;
            var action = Actions[(p + variant) % Actions.Length];
            var (name, body) = (p % Shapes) switch
            {
                0 => AllowedRegistries(variant, hosts),
                1 => NoLatest(),
                2 => SignedRegistry(variant, hosts, publicKeyPem),
                3 => SignedTeam(variant, hosts, publicKeyPem),
                4 => NonRootUser(hosts),
                5 => LinuxOnly(hosts),
                6 => PlatformInit(hosts),
                _ => FrontendSigned(hosts, publicKeyPem),
            };
            var policyName = $"{name}-{p:D2}";
            var yaml = new StringBuilder()
                .Append("apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nmetadata:\n")
                .Append($"  name: {policyName}\n")
                .Append("spec:\n")
                .Append($"  validationActions: [{action}]\n")
                .Append("  matchConstraints:\n    resourceRules:\n    - apiGroups: [\"\"]\n      apiVersions: [v1]\n      operations: [CREATE, UPDATE]\n      resources: [pods]\n")
                .Append(body);
            File.WriteAllText(Path.Combine(folder, $"{p:D2}-{name}.yaml"), yaml.ToString());
        }
    }

    private const string CelOnly = "  validationConfigurations:\n    mutateDigest: false\n    verifyDigest: false\n    required: false\n  attestors: []\n";
    private const string AllImages = "(images.containers + images.initContainers)";

    private static (string, string) AllowedRegistries(int variant, IReadOnlyList<string> hosts)
    {
        // Even variants leave one registry out of the allow-list, so its images fail.
        var left = variant / 2 % hosts.Count;
        var allowed = variant % 2 == 0 && hosts.Count > 1 ? hosts.Where((_, i) => i != left).ToList() : hosts.ToList();
        var list = "[" + string.Join(", ", allowed.Select(h => $"'{h}'")) + "]";
        return ("allowed-registries", CelOnly
            + $"  validations:\n  - expression: \"{AllImages}.all(i, image(i).registry() in {list})\"\n"
            + $"    messageExpression: \"'untrusted registry: ' + {AllImages}.filter(i, !(image(i).registry() in {list})).join(', ')\"\n");
    }

    // Validations see tags pinned to digests (repo:tag@digest) as after the mutating webhook, where the parsed
    // reference has no tag; the tag is read from the text.
    private static (string, string) NoLatest() => ("no-latest-tag", CelOnly
        + $"  validations:\n  - expression: \"{AllImages}.all(i, !i.matches(':latest(@|$)'))\"\n"
        + $"    messageExpression: \"'latest tag: ' + {AllImages}.filter(i, i.matches(':latest(@|$)')).join(', ')\"\n");

    private static (string, string) PlatformInit(IReadOnlyList<string> hosts) => ("platform-init-containers", CelOnly
        + $"  validations:\n  - expression: \"images.initContainers.all(i, isImage(i) && image(i).registry() == '{hosts[0]}' && image(i).identifier() != '')\"\n"
        + $"    message: init containers must come from the platform registry {hosts[0]}\n");

    private static (string, string) SignedRegistry(int variant, IReadOnlyList<string> hosts, string key)
    {
        var host = hosts[variant % hosts.Count];
        return ("signed-registry", $"  matchImageReferences:\n  - glob: \"{host}/*\"\n"
            + Signature(key)
            + $"  validations:\n  - expression: \"{AllImages}.filter(i, image(i).registry() == '{host}').all(i, verifyImageSignatures(i, [attestors.release]) > 0)\"\n"
            + $"    message: images from {host} must be signed with the release key\n");
    }

    private static (string, string) SignedTeam(int variant, IReadOnlyList<string> hosts, string key)
    {
        var team = $"team-{(char)('a' + variant % 4)}";
        return ("signed-team", "  autogen:\n    podControllers:\n      controllers: [deployments, statefulsets, daemonsets]\n"
            + "  matchConditions:\n  - name: not-batch\n    expression: \"has(object.metadata.labels) && 'tier' in object.metadata.labels && object.metadata.labels['tier'] != 'batch'\"\n"
            + "  matchImageReferences:\n" + string.Concat(hosts.Select(h => $"  - glob: \"{h}/{team}/*\"\n"))
            + Signature(key)
            + $"  validations:\n  - expression: \"images.containers.filter(i, image(i).repository().startsWith('{team}/')).all(i, verifyImageSignatures(i, [attestors.release]) > 0)\"\n"
            + $"    message: {team} images must be signed with the release key\n");
    }

    private static (string, string) FrontendSigned(IReadOnlyList<string> hosts, string key) => ("frontend-signed",
        "  matchConditions:\n  - name: frontend\n    expression: \"has(object.metadata.labels) && 'tier' in object.metadata.labels && object.metadata.labels['tier'] == 'frontend'\"\n"
        + "  matchImageReferences:\n" + string.Concat(hosts.Select(h => $"  - glob: \"{h}/*\"\n"))
        + Signature(key)
        + $"  validations:\n  - expression: \"{AllImages}.all(i, verifyImageSignatures(i, [attestors.release]) > 0)\"\n"
        + "    message: frontend images must be signed with the release key\n");

    private static (string, string) NonRootUser(IReadOnlyList<string> hosts) => ("non-root-user",
        "  matchImageReferences:\n" + string.Concat(hosts.Select(h => $"  - glob: \"{h}/*\"\n"))
        + "  credentials:\n    allowInsecureRegistry: true\n"
        + "  validationConfigurations:\n    verifyDigest: false\n    required: false\n  attestors: []\n"
        + "  validations:\n  - expression: \"images.containers.all(i, image.GetMetadata(i).config.config.User != 'root')\"\n"
        + "    message: images must not run as root\n");

    private static (string, string) LinuxOnly(IReadOnlyList<string> hosts) => ("linux-only",
        "  autogen:\n    podControllers:\n      controllers: [deployments, cronjobs]\n"
        + "  matchImageReferences:\n" + string.Concat(hosts.Select(h => $"  - glob: \"{h}/*\"\n"))
        + "  credentials:\n    allowInsecureRegistry: true\n"
        + "  validationConfigurations:\n    verifyDigest: false\n    required: false\n  attestors: []\n"
        + "  validations:\n  - expression: \"images.initContainers.all(i, getImageData(i).config.os == 'linux')\"\n"
        + "    message: init containers must be linux images\n");

    private static string Signature(string key) =>
        "  credentials:\n    allowInsecureRegistry: true\n  attestors:\n  - name: release\n    cosign:\n      key:\n        data: |\n"
        + string.Concat(key.Trim().Split('\n').Select(l => "          " + l.Trim() + "\n"))
        + "      ctlog:\n        insecureIgnoreTlog: true\n";
}
