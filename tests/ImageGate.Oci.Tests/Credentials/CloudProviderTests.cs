using System.Globalization;
using System.Text;
using System.Text.Json;
using ImageGate.Oci.Credentials;
using ImageGate.TestSupport.Registry;

namespace ImageGate.Oci.Tests.Credentials;

/// <summary>Each cloud flow against a loopback stub that checks requests as the real service does
/// (method, path, headers, form or JSON fields, audience, SigV4 signature) and answers like it.</summary>
[TestClass]
public sealed class CloudProviderTests
{
    private const string RequestToken = "gha-request-SECRET";
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string ClientId = "66666666-7777-8888-9999-000000000000";
    private const string RoleArn = "arn:aws:iam::123456789012:role/imagegate";
    private const string AwsSecret = "aws-secret-key-SECRET";
    private const string AwsSession = "aws-session-SECRET";
    private const string Wip = "projects/123/locations/global/workloadIdentityPools/ci/providers/github";

    private static string Jwt(string audience) => "eyJhbGciOiJub25lIn0." + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"aud\":\"{audience}\"}}")).TrimEnd('=') + ".oidc-SECRET";

    private static LoopbackResponse Json(object body, int status = 200) => LoopbackResponse.Text(status, JsonSerializer.Serialize(body));

    private static LoopbackResponse OAuthError(string error, string description) => Json(new { error, error_description = description }, 400);

    /// <summary>Routes requests to per-service checks, like the real endpoints would.</summary>
    private static Task<LoopbackResponse> Handle(LoopbackRequest r)
    {
        // GitHub Actions OIDC: GET with the request token, audience in the query.
        if (r.Path == "/_apis/oidc" && r.Method == "GET")
        {
            if (r.Header("Authorization") != "Bearer " + RequestToken)
            {
                return Task.FromResult(Json(new { message = "bad request token" }, 401));
            }
            var audience = r.Query["audience"].SingleOrDefault();
            return Task.FromResult(audience is null ? Json(new { message = "audience" }, 400) : Json(new { value = Jwt(audience) }));
        }
        // Azure DevOps OIDC.
        if (r.Path == "/ado/oidctoken" && r.Method == "POST")
        {
            return Task.FromResult(r.Header("Authorization") == "Bearer ado-access-SECRET" && r.Query["api-version"].Single() == "7.1" && r.Query["serviceConnectionId"].Single() == "conn-1"
                ? Json(new { oidcToken = Jwt("api://AzureADTokenExchange") })
                : Json(new { message = "denied" }, 401));
        }
        // Entra ID v2 token endpoint, client credentials with a federated assertion.
        if (r.Path == $"/{Tenant}/oauth2/v2.0/token" && r.Method == "POST")
        {
            var f = r.Form;
            if (!r.Header("Content-Type")!.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal))
            {
                return Task.FromResult(OAuthError("invalid_request", "AADSTS900144: form body required"));
            }
            if (f.GetValueOrDefault("grant_type") != "client_credentials" || f.GetValueOrDefault("client_id") != ClientId
                || f.GetValueOrDefault("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            {
                return Task.FromResult(OAuthError("invalid_request", "AADSTS900144: missing client credentials fields"));
            }
            if (f.GetValueOrDefault("client_assertion") != Jwt("api://AzureADTokenExchange"))
            {
                return Task.FromResult(OAuthError("invalid_client", "AADSTS700213: No matching federated identity record found for presented assertion"));
            }
            return Task.FromResult(f.GetValueOrDefault("scope") == "https://containerregistry.azure.net/.default"
                ? Json(new { token_type = "Bearer", expires_in = 3599, access_token = "entra-access-SECRET" })
                : OAuthError("invalid_scope", "AADSTS70011: invalid scope"));
        }
        // ACR: exchange an Entra token for a refresh token.
        if (r.Path == "/oauth2/exchange" && r.Method == "POST")
        {
            var f = r.Form;
            return Task.FromResult(f.GetValueOrDefault("grant_type") == "access_token" && f.GetValueOrDefault("service") == "myreg.azurecr.io"
                    && f.GetValueOrDefault("tenant") == Tenant && f.GetValueOrDefault("access_token") == "entra-access-SECRET"
                ? Json(new { refresh_token = "acr-refresh-SECRET" })
                : Json(new { errors = new[] { new { code = "UNAUTHORIZED", message = "invalid exchange" } } }, 401));
        }
        // AWS STS AssumeRoleWithWebIdentity (unsigned Query API).
        if (r.Path == "/sts/" && r.Method == "POST")
        {
            var f = r.Form;
            if (f.GetValueOrDefault("Action") != "AssumeRoleWithWebIdentity" || f.GetValueOrDefault("Version") != "2011-06-15" || f.GetValueOrDefault("RoleArn") != RoleArn
                || f.GetValueOrDefault("WebIdentityToken") != Jwt("sts.amazonaws.com") || !int.TryParse(f.GetValueOrDefault("DurationSeconds"), out var duration) || duration < 900
                || !System.Text.RegularExpressions.Regex.IsMatch(f.GetValueOrDefault("RoleSessionName") ?? "", @"^[\w+=,.@-]{2,64}$"))
            {
                return Task.FromResult(LoopbackResponse.Text(403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message></Error></ErrorResponse>", "text/xml"));
            }
            return Task.FromResult(LoopbackResponse.Text(200, $"""
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials>
                <AccessKeyId>ASIATESTKEY</AccessKeyId><SecretAccessKey>{AwsSecret}</SecretAccessKey><SessionToken>{AwsSession}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>
                </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
                """, "text/xml"));
        }
        // ECR / ECR Public GetAuthorizationToken (JSON 1.1, SigV4).
        if (r.Path is "/ecr/" or "/ecr-public/" && r.Method == "POST")
        {
            var isPublic = r.Path == "/ecr-public/";
            return Task.FromResult(CheckSigV4(r, isPublic ? "ecr-public" : "ecr", isPublic ? "us-east-1" : "eu-west-1",
                isPublic ? "SpencerFrontendService.GetAuthorizationToken" : "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken") is { } failure
                ? Json(new { __type = "InvalidSignatureException", message = failure }, 403)
                : isPublic
                    ? Json(new { authorizationData = new { authorizationToken = Convert.ToBase64String("AWS:ecr-public-password-SECRET"u8), expiresAt = 1.9e9 } })
                    : Json(new { authorizationData = new[] { new { authorizationToken = Convert.ToBase64String("AWS:ecr-password-SECRET"u8), expiresAt = 1.9e9, proxyEndpoint = "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com" } } }));
        }
        // Google STS token exchange (JSON, camelCase as google-github-actions/auth sends).
        if (r.Path == "/google-sts/v1/token" && r.Method == "POST")
        {
            using var doc = JsonDocument.Parse(r.Body);
            var b = doc.RootElement;
            string? S(string n) => b.TryGetProperty(n, out var v) ? v.GetString() : null;
            return Task.FromResult(S("audience") == "//iam.googleapis.com/" + Wip && S("grantType") == "urn:ietf:params:oauth:grant-type:token-exchange"
                    && S("requestedTokenType") == "urn:ietf:params:oauth:token-type:access_token" && S("subjectTokenType") == "urn:ietf:params:oauth:token-type:jwt"
                    && S("scope") == "https://www.googleapis.com/auth/cloud-platform" && S("subjectToken") == Jwt("https://iam.googleapis.com/" + Wip)
                ? Json(new { access_token = "ya29.federated-SECRET", issued_token_type = "urn:ietf:params:oauth:token-type:access_token", token_type = "Bearer", expires_in = 3599 })
                : Json(new { error = "invalid_grant", error_description = "The audience in ID Token does not match the expected audience." }, 400));
        }
        // Google IAM Credentials generateAccessToken.
        if (r.Path == "/google-iam/v1/projects/-/serviceAccounts/reader%40proj.iam.gserviceaccount.com:generateAccessToken" && r.Method == "POST")
        {
            using var doc = JsonDocument.Parse(r.Body);
            return Task.FromResult(r.Header("Authorization") == "Bearer ya29.federated-SECRET" && doc.RootElement.GetProperty("scope")[0].GetString() == "https://www.googleapis.com/auth/cloud-platform"
                ? Json(new { accessToken = "ya29.impersonated-SECRET", expireTime = "2030-01-01T00:00:00Z" })
                : Json(new { error = new { code = 403, message = "Permission iam.serviceAccounts.getAccessToken denied" } }, 403));
        }
        return Task.FromResult(Json(new { message = "no such endpoint " + r.Path }, 404));
    }

    /// <summary>Verifies a SigV4 request as AWS does: recompute the signature from the request and compare.</summary>
    private static string? CheckSigV4(LoopbackRequest r, string service, string region, string target)
    {
        if (r.Header("X-Amz-Target") != target || r.Header("Content-Type") != "application/x-amz-json-1.1" || r.Header("X-Amz-Security-Token") != AwsSession)
        {
            return "missing target, content type or security token";
        }
        var authorization = r.Header("Authorization") ?? "";
        var amzDate = r.Header("X-Amz-Date") ?? "";
        var match = System.Text.RegularExpressions.Regex.Match(authorization, @"^AWS4-HMAC-SHA256 Credential=ASIATESTKEY/(\d{8})/([a-z0-9-]+)/([a-z-]+)/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$");
        if (!match.Success || match.Groups[1].Value != amzDate[..8] || match.Groups[2].Value != region || match.Groups[3].Value != service)
        {
            return "credential scope mismatch";
        }
        var signed = match.Groups[4].Value.Split(';');
        if (!signed.Contains("host") || !signed.Contains("x-amz-date") || !signed.Contains("x-amz-target") || !signed.Contains("x-amz-security-token"))
        {
            return "required headers not signed";
        }
        var headers = signed.ToDictionary(h => h, h => r.Header(h) ?? "");
        var time = DateTimeOffset.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var expected = SigV4.Sign("POST", r.Path, "", headers, r.Body, AwsSecret, region, service, time).Signature;
        return expected == match.Groups[5].Value ? null : "The request signature we calculated does not match the signature you provided.";
    }

    private static LoopbackHttpServer stub = null!;
    private static HttpClient http = null!;

    [ClassInitialize]
    public static void Start(TestContext _)
    {
        stub = new LoopbackHttpServer(Handle);
        http = new HttpClient();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        http.Dispose();
        await stub.DisposeAsync();
    }

    private static Func<string, string?> Env(params (string, string)[] extra)
    {
        var map = new Dictionary<string, string>
        {
            ["ACTIONS_ID_TOKEN_REQUEST_URL"] = new Uri(stub.BaseUri, "/_apis/oidc?api-version=2.0").ToString(),
            ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = RequestToken,
        };
        foreach (var (k, v) in extra)
        {
            map[k] = v;
        }
        return n => map.GetValueOrDefault(n);
    }

    private static AzureSettings Azure() => new(Tenant, ClientId) { AuthorityHost = stub.BaseUri, RegistryEndpoint = _ => stub.BaseUri };

    [TestMethod]
    public async Task AzureFederatedFlowYieldsAnAcrRefreshToken()
    {
        var source = new AzureContainerRegistryCredentials(Azure(), new GitHubActionsOidc(http, Env()), http);
        var credential = await source.GetAsync("myreg.azurecr.io", "team/app", default);
        Assert.AreEqual("acr-refresh-SECRET", credential!.IdentityToken);
        Assert.AreEqual("00000000-0000-0000-0000-000000000000", credential.Username);
        Assert.IsNull(await source.GetAsync("ghcr.io", "team/app", default), "only ACR hosts");
        Assert.IsTrue(AzureContainerRegistryCredentials.Matches("x.azurecr.cn"));
        Assert.IsFalse(AzureContainerRegistryCredentials.Matches("azurecr.io.evil.com"));
    }

    [TestMethod]
    public async Task AzureRefusalCarriesTheEntraReason()
    {
        var source = new AzureContainerRegistryCredentials(new AzureSettings(Tenant, "wrong-client") { AuthorityHost = stub.BaseUri, RegistryEndpoint = _ => stub.BaseUri }, new GitHubActionsOidc(http, Env()), http);
        var e = await Assert.ThrowsExactlyAsync<CredentialProviderException>(async () => await source.GetAsync("myreg.azurecr.io", "team/app", default));
        StringAssert.Contains(e.Message, "Entra ID token request failed: HTTP 400 (invalid_request: AADSTS900144");
        Assert.IsFalse(e.Message.Contains("SECRET", StringComparison.Ordinal), e.Message);
    }

    [TestMethod]
    public async Task AzurePipelinesOidcFeedsTheSameFlow()
    {
        var env = Env(("SYSTEM_OIDCREQUESTURI", new Uri(stub.BaseUri, "/ado/oidctoken").ToString()), ("SYSTEM_ACCESSTOKEN", "ado-access-SECRET"));
        var source = new AzureContainerRegistryCredentials(Azure(), new AzurePipelinesOidc(http, "conn-1", env), http);
        Assert.AreEqual("acr-refresh-SECRET", (await source.GetAsync("myreg.azurecr.io", "team/app", default))!.IdentityToken);
    }

    [TestMethod]
    public async Task MissingOidcPermissionIsExplained()
    {
        var oidc = new GitHubActionsOidc(http, _ => null);
        Assert.IsFalse(oidc.IsAvailable);
        var e = await Assert.ThrowsExactlyAsync<CredentialProviderException>(() => oidc.GetTokenAsync("sts.amazonaws.com", default));
        StringAssert.Contains(e.Message, "permissions: id-token: write");
    }

    private static AmazonSettings Amazon() => new()
    {
        RoleArn = RoleArn,
        StsEndpoint = _ => new Uri(stub.BaseUri, "/sts/"),
        EcrEndpoint = _ => new Uri(stub.BaseUri, "/ecr/"),
        EcrPublicEndpoint = new Uri(stub.BaseUri, "/ecr-public/"),
    };

    [TestMethod]
    public async Task AmazonStsThenSignedEcrRequest()
    {
        var source = new AmazonEcrCredentials(Amazon(), new GitHubActionsOidc(http, Env()), http, Env());
        var credential = await source.GetAsync("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "team/app", default);
        Assert.AreEqual("AWS", credential!.Username);
        Assert.AreEqual("ecr-password-SECRET", credential.Password);
        Assert.AreEqual("eu-west-1", AmazonEcrCredentials.RegionOf("123456789012.dkr.ecr.eu-west-1.amazonaws.com"));
        Assert.IsNull(AmazonEcrCredentials.RegionOf("ecr.example.com"));
        Assert.IsNull(await source.GetAsync("ghcr.io", "x/y", default));

        var publicEcr = await source.GetAsync("public.ecr.aws", "team/app", default);
        Assert.AreEqual("ecr-public-password-SECRET", publicEcr!.Password);
    }

    [TestMethod]
    public async Task AmazonUsesKeysFromTheEnvironmentWithoutSts()
    {
        var before = stub.Requests.Count(r => r.Path == "/sts/");
        var env = Env(("AWS_ACCESS_KEY_ID", "ASIATESTKEY"), ("AWS_SECRET_ACCESS_KEY", AwsSecret), ("AWS_SESSION_TOKEN", AwsSession));
        var source = new AmazonEcrCredentials(Amazon() with { RoleArn = null }, null, http, env);
        Assert.AreEqual("ecr-password-SECRET", (await source.GetAsync("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "a/b", default))!.Password);
        Assert.AreEqual(before, stub.Requests.Count(r => r.Path == "/sts/"));
    }

    [TestMethod]
    public async Task AmazonWrongSecretFailsTheSignatureCheck()
    {
        var env = Env(("AWS_ACCESS_KEY_ID", "ASIATESTKEY"), ("AWS_SECRET_ACCESS_KEY", "not-the-key"), ("AWS_SESSION_TOKEN", AwsSession));
        var source = new AmazonEcrCredentials(Amazon(), null, http, env);
        var e = await Assert.ThrowsExactlyAsync<CredentialProviderException>(async () => await source.GetAsync("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "a/b", default));
        StringAssert.Contains(e.Message, "HTTP 403");
        StringAssert.Contains(e.Message, "signature we calculated does not match");
        var noRole = new AmazonEcrCredentials(Amazon() with { RoleArn = null }, new GitHubActionsOidc(http, Env()), http, Env());
        Assert.IsNull(await noRole.GetAsync("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "a/b", default), "no keys and no role: anonymous");
    }

    [TestMethod]
    public async Task EverySecretAProviderObtainsIsReportedForMaskingInTheOrderObtained()
    {
        var seen = new List<string>();
        var azure = new AzureContainerRegistryCredentials(Azure(), new GitHubActionsOidc(http, Env()), http, seen.Add);
        await azure.GetAsync("myreg.azurecr.io", "team/app", default);
        CollectionAssert.AreEqual(new[] { "entra-access-SECRET", "acr-refresh-SECRET" }, seen, "the Entra token, then the ACR refresh token");

        seen.Clear();
        var amazon = new AmazonEcrCredentials(Amazon(), new GitHubActionsOidc(http, Env()), http, Env(), seen.Add);
        await amazon.GetAsync("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "team/app", default);
        CollectionAssert.AreEqual(new[] { AwsSecret, AwsSession, Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:ecr-password-SECRET")) }, seen,
            "the temporary keys from STS, then the ECR authorization token");

        seen.Clear();
        var google = new GoogleCredentials(Google("reader@proj.iam.gserviceaccount.com"), new GitHubActionsOidc(http, Env()), http, seen.Add);
        await google.GetAsync("gcr.io", "proj/app", default);
        CollectionAssert.AreEqual(new[] { "ya29.federated-SECRET", "ya29.impersonated-SECRET" }, seen, "the federated token, then the impersonated one");
    }

    private static GoogleSettings Google(string? serviceAccount = null) => new(Wip)
    {
        StsEndpoint = new Uri(stub.BaseUri, "/google-sts/v1/token"),
        IamCredentialsEndpoint = new Uri(stub.BaseUri, "/google-iam/"),
        ServiceAccount = serviceAccount,
    };

    [TestMethod]
    public async Task GoogleDirectWorkloadIdentity()
    {
        var source = new GoogleCredentials(Google(), new GitHubActionsOidc(http, Env()), http);
        var credential = await source.GetAsync("europe-docker.pkg.dev", "proj/repo/app", default);
        Assert.AreEqual("oauth2accesstoken", credential!.Username);
        Assert.AreEqual("ya29.federated-SECRET", credential.Password);
        Assert.IsNull(await source.GetAsync("ghcr.io", "a/b", default));
        Assert.IsTrue(GoogleCredentials.Matches("gcr.io") && GoogleCredentials.Matches("eu.gcr.io") && !GoogleCredentials.Matches("gcr.io.evil.com"));
    }

    [TestMethod]
    public async Task GoogleServiceAccountImpersonation()
    {
        var source = new GoogleCredentials(Google("reader@proj.iam.gserviceaccount.com"), new GitHubActionsOidc(http, Env()), http);
        Assert.AreEqual("ya29.impersonated-SECRET", (await source.GetAsync("gcr.io", "proj/app", default))!.Password);
        var denied = new GoogleCredentials(Google("other@proj.iam.gserviceaccount.com"), new GitHubActionsOidc(http, Env()), http);
        var e = await Assert.ThrowsExactlyAsync<CredentialProviderException>(async () => await denied.GetAsync("gcr.io", "proj/app", default));
        StringAssert.Contains(e.Message, "service account impersonation of other@proj.iam.gserviceaccount.com failed: HTTP 404");
    }

    [TestMethod]
    public async Task GoogleExternalAccountFileAsWrittenByTheAuthAction()
    {
        var file = Path.Combine(Scratch.NewDirectory("gha"), "gha-creds-0123456789abcdef.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "external_account",
            ["audience"] = "//iam.googleapis.com/" + Wip,
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["token_url"] = new Uri(stub.BaseUri, "/google-sts/v1/token").ToString(),
            ["service_account_impersonation_url"] = new Uri(stub.BaseUri, "/google-iam/v1/projects/-/serviceAccounts/reader@proj.iam.gserviceaccount.com:generateAccessToken").ToString(),
            ["credential_source"] = new Dictionary<string, object>
            {
                ["url"] = new Uri(stub.BaseUri, "/_apis/oidc?api-version=2.0&audience=" + Uri.EscapeDataString("https://iam.googleapis.com/" + Wip)).ToString(),
                ["headers"] = new Dictionary<string, string> { ["Authorization"] = "Bearer " + RequestToken },
                ["format"] = new Dictionary<string, string> { ["type"] = "json", ["subject_token_field_name"] = "value" },
            },
        }));
        var settings = new CredentialSettings
        {
            Providers = ["google"],
            Environment = n => n == "GOOGLE_APPLICATION_CREDENTIALS" ? file : null,
        }.WithEnvironmentDefaults(http);
        Assert.AreEqual("reader@proj.iam.gserviceaccount.com", settings.Google!.ServiceAccount);
        var chain = CredentialProviders.Build(settings, http);
        Assert.AreEqual("ya29.impersonated-SECRET", (await chain.GetAsync("us-docker.pkg.dev", "p/r/i", default))!.Password);

        File.WriteAllText(file, "{\"type\":\"service_account\"}");
        var e = Assert.ThrowsExactly<CredentialProviderException>(() => GoogleExternalAccount.Load(file, http));
        StringAssert.Contains(e.Message, "type is not external_account");
    }
}
