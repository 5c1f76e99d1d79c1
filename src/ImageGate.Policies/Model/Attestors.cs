namespace ImageGate.Policies.Model;

/// <summary><c>spec.attestors[]</c>: a named trusted authority, either Cosign or Notary (exactly one).</summary>
public sealed record Attestor(string Name, CosignAttestor? Cosign, NotaryAttestor? Notary) : PolicyNode;

/// <summary>Cosign attestor settings.</summary>
public sealed record CosignAttestor(
    CosignKey? Key,
    CosignKeyless? Keyless,
    CosignCertificate? Certificate,
    SignatureSource? Source,
    CTLog? CTLog,
    TufConfig? Tuf,
    ValueOrExpression? TrustedRoot,
    IReadOnlyDictionary<string, string> Annotations) : PolicyNode;

/// <summary><c>cosign.key</c>: an inline PEM key, a KMS URI, a CEL expression giving the key, or (seed era)
/// a Secret reference.</summary>
public sealed record CosignKey(
    string? Data,
    string? Kms,
    string HashAlgorithm,
    CelExpression? Expression,
    SecretReference? SecretRef) : PolicyNode;

/// <summary>Seed-era <c>key.secretRef</c>; in CI the key is supplied with <c>--secret NAMESPACE/NAME=FILE</c>.</summary>
public sealed record SecretReference(string? Name, string? Namespace) : PolicyNode;

/// <summary><c>cosign.keyless</c>: Fulcio identities and optional roots.</summary>
public sealed record CosignKeyless(
    IReadOnlyList<KeylessIdentity> Identities,
    string? Roots,
    IReadOnlyDictionary<string, string> AdditionalExtensions) : PolicyNode;

/// <summary>An accepted signer identity; exact fields and regular expressions are matched unanchored (RE2).</summary>
public sealed record KeylessIdentity(
    string? Issuer,
    string? Subject,
    string? IssuerRegExp,
    string? SubjectRegExp,
    CelExpression? SubjectExpression) : PolicyNode;

/// <summary><c>cosign.certificate</c>: a signing certificate and its chain.</summary>
public sealed record CosignCertificate(ValueOrExpression? Cert, ValueOrExpression? CertChain) : PolicyNode;

/// <summary><c>cosign.source</c>: where signatures are stored.</summary>
public sealed record SignatureSource(string? Repository, IReadOnlyList<string> PullSecrets, string? TagPrefix) : PolicyNode;

/// <summary><c>cosign.ctlog</c>: transparency log and timestamp settings.</summary>
public sealed record CTLog(
    string? Url,
    string? RekorPubKey,
    string? CTLogPubKey,
    string? TsaCertChain,
    bool InsecureIgnoreTlog,
    bool InsecureIgnoreSct) : PolicyNode;

/// <summary><c>cosign.tuf</c>: a custom TUF root and mirror.</summary>
public sealed record TufConfig(string? RootPath, string? RootData, string? Mirror) : PolicyNode;

/// <summary>Notary attestor settings: CA and TSA certificates (PEM).</summary>
public sealed record NotaryAttestor(ValueOrExpression? Certs, ValueOrExpression? TsaCerts) : PolicyNode;

/// <summary><c>spec.attestations[]</c>: an in-toto predicate type (Cosign) and/or an OCI referrer artifact type (Notary).</summary>
public sealed record Attestation(string Name, string? InTotoType, string? ReferrerType) : PolicyNode;
