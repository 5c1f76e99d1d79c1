using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Loading;

/// <summary>Reads an image validating policy <c>spec</c> in either vocabulary, checking it against the CRD
/// schema (types, required fields, enums, oneOf, unknown fields) and applying the defaults.</summary>
internal static class SpecReader
{
    private static readonly Dictionary<string, FailurePolicy> FailurePolicies = new()
    {
        ["Ignore"] = FailurePolicy.Ignore,
        ["Fail"] = FailurePolicy.Fail,
    };

    private static readonly Dictionary<string, ValidationAction> Actions = new()
    {
        ["Deny"] = ValidationAction.Deny,
        ["Audit"] = ValidationAction.Audit,
        ["Warn"] = ValidationAction.Warn,
    };

    private static readonly Dictionary<string, EvaluationMode> Modes = new()
    {
        ["Kubernetes"] = EvaluationMode.Kubernetes,
        ["JSON"] = EvaluationMode.Json,
    };

    private static readonly Dictionary<string, MatchPolicyType> MatchPolicies = new()
    {
        ["Exact"] = MatchPolicyType.Exact,
        ["Equivalent"] = MatchPolicyType.Equivalent,
    };

    private static readonly Dictionary<string, CredentialProvider> Providers = new()
    {
        ["default"] = CredentialProvider.Default,
        ["amazon"] = CredentialProvider.Amazon,
        ["azure"] = CredentialProvider.Azure,
        ["google"] = CredentialProvider.Google,
        ["github"] = CredentialProvider.Github,
    };

    private static readonly string[] Operations = ["CREATE", "UPDATE", "DELETE", "CONNECT", "*"];

    private static readonly string[] Scopes = ["Cluster", "Namespaced", "*"];

    private static readonly string[] SelectorOperators = ["In", "NotIn", "Exists", "DoesNotExist"];

    private static readonly string[] HashAlgorithms = ["sha224", "sha256", "sha384", "sha512"];

    /// <summary>Pod controller names autogen understands.</summary>
    internal static readonly string[] PodControllerNames =
        ["daemonsets", "deployments", "replicasets", "statefulsets", "jobs", "cronjobs"];

    public static ImageValidatingPolicySpec Read(MappingReader spec)
    {
        var ctx = spec.Context;
        spec.Require("attestors");
        spec.Require("validations");

        var result = new ImageValidatingPolicySpec
        {
            Path = spec.Path,
            Span = spec.Span,
            MatchConstraints = ReadMatchResources(spec.Object("matchConstraints")),
            MatchConditions = ReadNamedExpressions(spec, "matchConditions"),
            FailurePolicy = spec.Enum("failurePolicy", FailurePolicies) ?? FailurePolicy.Fail,
            ValidationActions = ReadActions(spec),
            AuditAnnotations = ReadAuditAnnotations(spec),
            Variables = ReadNamedExpressions(spec, "variables"),
            Validations = ReadValidations(spec),
            MatchImageReferences = ReadImageMatchers(spec),
            Images = ReadNamedExpressions(spec, "images"),
            Attestors = ReadAttestors(spec),
            Attestations = ReadAttestations(spec),
            Credentials = ReadCredentials(spec.Object("credentials")),
            ValidationConfigurations = ReadValidationConfigurations(spec),
            Autogen = ReadAutogen(spec),
            Evaluation = ReadEvaluation(spec.Object("evaluation")),
            WebhookTimeoutSeconds = ReadWebhook(spec.Object("webhookConfiguration")),
        };
        return result with { Fields = spec.Finish() };
    }

    private static MatchResources? ReadMatchResources(MappingReader? m)
    {
        if (m is null)
        {
            return null;
        }
        var result = new MatchResources(
            ReadRules(m, "resourceRules"),
            ReadRules(m, "excludeResourceRules"),
            ReadSelector(m.Object("namespaceSelector")),
            ReadSelector(m.Object("objectSelector")),
            m.Enum("matchPolicy", MatchPolicies))
        {
            Path = m.Path,
            Span = m.Span,
        };
        return result with { Fields = m.Finish() };
    }

    private static IReadOnlyList<ResourceRule> ReadRules(MappingReader parent, string key)
    {
        var rules = new List<ResourceRule>();
        foreach (var (node, path) in parent.List(key))
        {
            if (parent.AsObject(node, path) is not { } r)
            {
                continue;
            }
            var operations = new List<string>();
            foreach (var (opNode, opPath) in r.List("operations"))
            {
                if (r.AsChoice(opNode, opPath, Operations) is { } op)
                {
                    operations.Add(op);
                }
            }
            string? scope = null;
            if (r.Take("scope") is { } scopeNode)
            {
                scope = r.AsChoice(scopeNode, r.ChildPath("scope"), Scopes);
            }
            var rule = new ResourceRule(
                r.StringList("apiGroups"),
                r.StringList("apiVersions"),
                operations,
                r.StringList("resources"),
                r.StringList("resourceNames"),
                scope)
            {
                Path = r.Path,
                Span = r.Span,
            };
            rules.Add(rule with { Fields = r.Finish() });
        }
        return rules.AsReadOnly();
    }

    private static LabelSelector? ReadSelector(MappingReader? s)
    {
        if (s is null)
        {
            return null;
        }
        var requirements = new List<LabelSelectorRequirement>();
        var labels = s.StringMap("matchLabels");
        foreach (var (node, path) in s.List("matchExpressions"))
        {
            if (s.AsObject(node, path) is not { } e)
            {
                continue;
            }
            var key = e.RequiredString("key");
            e.Require("operator");
            var op = e.Take("operator") is { } opNode ? e.AsChoice(opNode, e.ChildPath("operator"), SelectorOperators) : null;
            var values = e.StringList("values");
            if (op is "In" or "NotIn" && values.Count == 0)
            {
                e.Context.Error(DiagnosticCodes.Required, e.ChildPath("values"), e.Node,
                    $"operator {op} needs at least one value");
            }
            else if (op is "Exists" or "DoesNotExist" && values.Count > 0)
            {
                e.Context.Error(DiagnosticCodes.Invalid, e.ChildPath("values"), e.Node,
                    $"operator {op} takes no values");
            }
            var requirement = new LabelSelectorRequirement(key, op ?? "", values) { Path = e.Path, Span = e.Span };
            requirements.Add(requirement with { Fields = e.Finish() });
        }
        var selector = new LabelSelector(labels, requirements.AsReadOnly()) { Path = s.Path, Span = s.Span };
        return selector with { Fields = s.Finish() };
    }

    internal static IReadOnlyList<NamedExpression> ReadNamedExpressions(MappingReader parent, string key)
    {
        var result = new List<NamedExpression>();
        foreach (var (node, path) in parent.List(key))
        {
            if (parent.AsObject(node, path) is not { } item)
            {
                continue;
            }
            var named = new NamedExpression(item.RequiredString("name"), item.RequiredExpression("expression"))
            {
                Path = item.Path,
                Span = item.Span,
            };
            result.Add(named with { Fields = item.Finish() });
        }
        return result.AsReadOnly();
    }

    private static IReadOnlyList<ValidationAction> ReadActions(MappingReader spec)
    {
        var actions = new List<ValidationAction>();
        foreach (var (node, path) in spec.List("validationActions"))
        {
            if (spec.AsEnum(node, path, Actions) is not { } action)
            {
                continue;
            }
            if (actions.Contains(action))
            {
                spec.Context.Error(DiagnosticCodes.Invalid, path, node, $"duplicate value \"{action}\" (the list is a set)");
                continue;
            }
            actions.Add(action);
        }
        return actions.Count == 0 ? [ValidationAction.Deny] : actions.AsReadOnly();
    }

    private static IReadOnlyList<AuditAnnotation> ReadAuditAnnotations(MappingReader spec)
    {
        var result = new List<AuditAnnotation>();
        foreach (var (node, path) in spec.List("auditAnnotations"))
        {
            if (spec.AsObject(node, path) is not { } item)
            {
                continue;
            }
            var annotation = new AuditAnnotation(item.RequiredString("key"), item.RequiredExpression("valueExpression"))
            {
                Path = item.Path,
                Span = item.Span,
            };
            result.Add(annotation with { Fields = item.Finish() });
        }
        return result.AsReadOnly();
    }

    private static IReadOnlyList<ValidationRule> ReadValidations(MappingReader spec)
    {
        var result = new List<ValidationRule>();
        foreach (var (node, path) in spec.List("validations"))
        {
            if (spec.AsObject(node, path) is not { } item)
            {
                continue;
            }
            var rule = new ValidationRule(
                item.RequiredExpression("expression"),
                item.String("message"),
                item.Expression("messageExpression"),
                item.String("reason"))
            {
                Path = item.Path,
                Span = item.Span,
            };
            result.Add(rule with { Fields = item.Finish() });
        }
        return result.AsReadOnly();
    }

    private static IReadOnlyList<ImageReferenceMatcher> ReadImageMatchers(MappingReader spec)
    {
        var seedEra = spec.Has("imageRules");
        if (seedEra && spec.Context.SeedEraAllowed && spec.Has("matchImageReferences"))
        {
            spec.Ignore("matchImageReferences");
            spec.Context.Error(DiagnosticCodes.OneOf, spec.ChildPath("imageRules"), spec.KeySpan("imageRules"),
                "set either imageRules (seed-era spelling) or matchImageReferences, not both");
        }
        var items = seedEra
            ? spec.AsList(spec.TakeSeedEra("imageRules", "matchImageReferences", "matchImageReferences"), spec.ChildPath("imageRules"))
            : spec.List("matchImageReferences");
        if (!seedEra)
        {
            spec.Ignore("imageRules");
        }
        var result = new List<ImageReferenceMatcher>();
        foreach (var (node, path) in items)
        {
            if (spec.AsObject(node, path) is not { } item)
            {
                continue;
            }
            var glob = item.String("glob");
            var expression = seedEra
                ? item.Expression("cel", "expression")
                : item.Expression("expression");
            var expressionKey = seedEra ? "cel" : "expression";
            if (glob is null == expression is null)
            {
                item.Context.Error(DiagnosticCodes.OneOf, item.Path, item.Node,
                    glob is null
                        ? $"exactly one of glob or {expressionKey} is required"
                        : $"set only one of glob or {expressionKey}");
            }
            var matcher = new ImageReferenceMatcher(glob, expression) { Path = item.Path, Span = item.Span };
            result.Add(matcher with { Fields = item.Finish() });
        }
        return result.AsReadOnly();
    }

    private static IReadOnlyList<Attestor> ReadAttestors(MappingReader spec)
    {
        var result = new List<Attestor>();
        foreach (var (node, path) in spec.List("attestors"))
        {
            if (spec.AsObject(node, path) is not { } item)
            {
                continue;
            }
            var name = item.RequiredString("name");
            var cosign = ReadCosign(item.Object("cosign"));
            var notary = ReadNotary(item.Object("notary"));
            if (item.Has("cosign") == item.Has("notary"))
            {
                item.Context.Error(DiagnosticCodes.OneOf, item.Path, item.Node,
                    item.Has("cosign") ? "set only one of cosign or notary" : "exactly one of cosign or notary is required");
            }
            var attestor = new Attestor(name, cosign, notary) { Path = item.Path, Span = item.Span };
            result.Add(attestor with { Fields = item.Finish() });
        }
        return result.AsReadOnly();
    }

    private static CosignAttestor? ReadCosign(MappingReader? c)
    {
        if (c is null)
        {
            return null;
        }
        var cosign = new CosignAttestor(
            ReadKey(c.Object("key")),
            ReadKeyless(c.Object("keyless")),
            ReadCertificate(c.Object("certificate")),
            ReadSource(c.Object("source")),
            ReadCTLog(c.Object("ctlog")),
            ReadTuf(c.Object("tuf")),
            ReadValueOrExpression(c, "trustedRoot", seedEraString: false),
            c.StringMap("annotations"))
        {
            Path = c.Path,
            Span = c.Span,
        };
        return cosign with { Fields = c.Finish() };
    }

    private static CosignKey? ReadKey(MappingReader? k)
    {
        if (k is null)
        {
            return null;
        }
        var hash = k.Choice("hashAlgorithm", HashAlgorithms) ?? "sha256";
        var secretRef = k.SeedEraObject("secretRef", "--secret NAMESPACE/NAME=FILE with key.data, key.kms or key.expression");
        SecretReference? secret = null;
        if (secretRef is not null)
        {
            secret = new SecretReference(secretRef.String("name"), secretRef.String("namespace"))
            {
                Path = secretRef.Path,
                Span = secretRef.Span,
            };
            secret = secret with { Fields = secretRef.Finish() };
        }
        var key = new CosignKey(k.String("data"), k.String("kms"), hash, k.Expression("expression"), secret)
        {
            Path = k.Path,
            Span = k.Span,
        };
        return key with { Fields = k.Finish() };
    }

    private static CosignKeyless? ReadKeyless(MappingReader? k)
    {
        if (k is null)
        {
            return null;
        }
        k.Require("identities");
        var identities = new List<KeylessIdentity>();
        foreach (var (node, path) in k.List("identities"))
        {
            if (k.AsObject(node, path) is not { } i)
            {
                continue;
            }
            var identity = new KeylessIdentity(
                i.String("issuer"),
                i.String("subject"),
                i.String("issuerRegExp"),
                i.String("subjectRegExp"),
                i.Expression("subjectExpression"))
            {
                Path = i.Path,
                Span = i.Span,
            };
            identities.Add(identity with { Fields = i.Finish() });
        }
        var keyless = new CosignKeyless(identities.AsReadOnly(), k.String("roots"), k.StringMap("additionalExtensions"))
        {
            Path = k.Path,
            Span = k.Span,
        };
        return keyless with { Fields = k.Finish() };
    }

    private static CosignCertificate? ReadCertificate(MappingReader? c)
    {
        if (c is null)
        {
            return null;
        }
        var certificate = new CosignCertificate(
            ReadValueOrExpression(c, "cert", seedEraString: true),
            ReadValueOrExpression(c, "certChain", seedEraString: true))
        {
            Path = c.Path,
            Span = c.Span,
        };
        return certificate with { Fields = c.Finish() };
    }

    /// <summary>Reads a <c>{value}|{expression}</c> object; in v1alpha1 a plain PEM string is the seed-era form.</summary>
    private static ValueOrExpression? ReadValueOrExpression(MappingReader parent, string key, bool seedEraString)
    {
        var node = parent.Take(key);
        if (node is null)
        {
            return null;
        }
        var path = parent.ChildPath(key);
        var ctx = parent.Context;
        if (node is YamlScalarNode && seedEraString)
        {
            if (!ctx.SeedEraAllowed)
            {
                ctx.Error(DiagnosticCodes.Type, path, node,
                    $"expected an object {{value}} or {{expression}}, got {YamlScalars.Describe(node)} (a plain PEM string is the seed-era form, accepted only in policies.kyverno.io/v1alpha1)");
                return null;
            }
            ctx.UsedSeedEra = true;
            var pem = parent.AsString(node, path, rewrite: true);
            return pem is null ? null : new ValueOrExpression(pem, null) { Path = path, Span = ctx.SpanOf(node) };
        }
        if (parent.AsObject(node, path) is not { } o)
        {
            return null;
        }
        var value = o.String("value");
        var expression = o.Expression("expression");
        if (value is null == expression is null)
        {
            ctx.Error(DiagnosticCodes.OneOf, path, node,
                value is null ? "exactly one of value or expression is required" : "set only one of value or expression");
        }
        var result = new ValueOrExpression(value, expression) { Path = path, Span = o.Span };
        return result with { Fields = o.Finish() };
    }

    private static SignatureSource? ReadSource(MappingReader? s)
    {
        if (s is null)
        {
            return null;
        }
        var secrets = new List<string>();
        foreach (var (node, path) in s.List("PullSecrets"))
        {
            if (s.AsObject(node, path) is not { } item)
            {
                continue;
            }
            secrets.Add(item.String("name") ?? "");
            item.Finish();
        }
        var source = new SignatureSource(s.String("repository"), secrets.AsReadOnly(), s.String("tagPrefix"))
        {
            Path = s.Path,
            Span = s.Span,
        };
        return source with { Fields = s.Finish() };
    }

    private static CTLog? ReadCTLog(MappingReader? c)
    {
        if (c is null)
        {
            return null;
        }
        var log = new CTLog(
            c.String("url"),
            c.String("rekorPubKey"),
            c.String("ctLogPubKey"),
            c.String("tsaCertChain"),
            c.Boolean("insecureIgnoreTlog") ?? false,
            c.Boolean("insecureIgnoreSCT") ?? false)
        {
            Path = c.Path,
            Span = c.Span,
        };
        return log with { Fields = c.Finish() };
    }

    private static TufConfig? ReadTuf(MappingReader? t)
    {
        if (t is null)
        {
            return null;
        }
        string? rootPath = null, rootData = null;
        if (t.Object("root") is { } root)
        {
            rootPath = root.String("path");
            rootData = root.String("data");
            root.Finish();
        }
        var tuf = new TufConfig(rootPath, rootData, t.String("mirror")) { Path = t.Path, Span = t.Span };
        return tuf with { Fields = t.Finish() };
    }

    private static NotaryAttestor? ReadNotary(MappingReader? n)
    {
        if (n is null)
        {
            return null;
        }
        var notary = new NotaryAttestor(
            ReadValueOrExpression(n, "certs", seedEraString: true),
            ReadValueOrExpression(n, "tsaCerts", seedEraString: true))
        {
            Path = n.Path,
            Span = n.Span,
        };
        return notary with { Fields = n.Finish() };
    }

    private static IReadOnlyList<Attestation> ReadAttestations(MappingReader spec)
    {
        var result = new List<Attestation>();
        foreach (var (node, path) in spec.List("attestations"))
        {
            if (spec.AsObject(node, path) is not { } item)
            {
                continue;
            }
            var name = item.RequiredString("name");
            var inToto = ReadTypeObject(item.Object("intoto"));
            var referrer = ReadTypeObject(item.Object("referrer"));
            var attestation = new Attestation(name, inToto, referrer) { Path = item.Path, Span = item.Span };
            result.Add(attestation with { Fields = item.Finish() });
        }
        return result.AsReadOnly();
    }

    private static string? ReadTypeObject(MappingReader? o)
    {
        if (o is null)
        {
            return null;
        }
        var type = o.RequiredString("type");
        o.Finish();
        return type;
    }

    private static RegistryCredentials? ReadCredentials(MappingReader? c)
    {
        if (c is null)
        {
            return null;
        }
        var providers = new List<CredentialProvider>();
        foreach (var (node, path) in c.List("providers"))
        {
            if (c.AsEnum(node, path, Providers) is { } provider)
            {
                providers.Add(provider);
            }
        }
        var credentials = new RegistryCredentials(c.Boolean("allowInsecureRegistry") ?? false, providers.AsReadOnly(), c.StringList("secrets"))
        {
            Path = c.Path,
            Span = c.Span,
        };
        return credentials with { Fields = c.Finish() };
    }

    private static ValidationConfigurations ReadValidationConfigurations(MappingReader spec)
    {
        bool? mutate = null, verify = null, required = null;
        if (spec.Object("validationConfigurations") is { } v)
        {
            mutate = v.Boolean("mutateDigest");
            verify = v.Boolean("verifyDigest");
            required = v.Boolean("required");
            v.Finish();
        }
        foreach (var flag in new[] { "mutateDigest", "verifyDigest", "required" })
        {
            if (spec.Context.SeedEraAllowed && spec.Has(flag) && spec.Has("validationConfigurations"))
            {
                spec.Context.Error(DiagnosticCodes.OneOf, spec.ChildPath(flag), spec.KeySpan(flag),
                    $"set {flag} either at spec level (seed-era spelling) or under validationConfigurations, not both");
            }
            if (spec.TakeSeedEra(flag, $"validationConfigurations.{flag}") is { } node)
            {
                var value = spec.AsBoolean(node, spec.ChildPath(flag));
                switch (flag)
                {
                    case "mutateDigest": mutate ??= value; break;
                    case "verifyDigest": verify ??= value; break;
                    default: required ??= value; break;
                }
            }
        }
        return new ValidationConfigurations(mutate ?? true, verify ?? true, required ?? true);
    }

    private static AutogenConfiguration ReadAutogen(MappingReader spec)
    {
        var ctx = spec.Context;
        if (ctx.SeedEraAllowed && spec.Has("generation") && spec.Has("autogen"))
        {
            spec.Ignore("autogen");
            ctx.Error(DiagnosticCodes.OneOf, spec.ChildPath("generation"), spec.KeySpan("generation"),
                "set either generation (seed-era spelling) or autogen, not both");
        }
        var seedEra = spec.Has("generation");
        var config = seedEra
            ? spec.SeedEraObject("generation", "autogen.podControllers.controllers", "autogen")
            : spec.Object("autogen");
        if (!seedEra)
        {
            spec.Ignore("generation");
        }
        if (config is null)
        {
            return AutogenConfiguration.AllControllers;
        }
        IReadOnlyList<string>? controllers = null;
        var podControllers = config.Take("podControllers");
        if (podControllers is YamlSequenceNode && seedEra)
        {
            // Seed-era shorthand: generation.podControllers: [deployments, ...].
            controllers = ReadControllerNames(config, config.AsList(podControllers, config.ChildPath("podControllers")));
        }
        else if (config.AsObject(podControllers, config.ChildPath("podControllers")) is { } pc)
        {
            if (pc.Take("controllers") is { } list)
            {
                controllers = ReadControllerNames(pc, pc.AsList(list, pc.ChildPath("controllers")));
            }
            pc.Finish();
        }
        config.Finish();
        return new AutogenConfiguration(controllers);
    }

    private static IReadOnlyList<string> ReadControllerNames(MappingReader reader, IReadOnlyList<(YamlNode Node, string Path)> items)
    {
        var names = new List<string>();
        foreach (var (node, path) in items)
        {
            if (reader.AsString(node, path, rewrite: false) is not { } name)
            {
                continue;
            }
            if (!PodControllerNames.Contains(name))
            {
                reader.Context.Warning(DiagnosticCodes.Ignored, path, reader.Context.SpanOf(node),
                    $"unknown pod controller \"{name}\" is ignored; known: {string.Join(", ", PodControllerNames)}");
            }
            names.Add(name);
        }
        return names.AsReadOnly();
    }

    private static EvaluationConfiguration ReadEvaluation(MappingReader? e)
    {
        if (e is null)
        {
            return EvaluationConfiguration.Defaults;
        }
        var mode = e.Enum("mode", Modes) ?? EvaluationMode.Kubernetes;
        bool admission = true, background = true;
        if (e.Object("admission") is { } a)
        {
            admission = a.Boolean("enabled") ?? true;
            a.Finish();
        }
        if (e.Object("background") is { } b)
        {
            background = b.Boolean("enabled") ?? true;
            b.Finish();
        }
        e.Finish();
        return new EvaluationConfiguration(mode, admission, background);
    }

    private static int? ReadWebhook(MappingReader? w)
    {
        if (w is null)
        {
            return null;
        }
        var timeout = w.Int32("timeoutSeconds");
        w.Finish();
        return timeout;
    }
}
