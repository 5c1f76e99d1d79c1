using System.Security.Cryptography;
using System.Text.Json;

namespace ImageGate.TestSupport.Soak;

/// <summary>What a soak image carries in its cosign signature slot.</summary>
public enum SoakSignature
{
    /// <summary>A valid signature by the workload's key.</summary>
    Signed,
    /// <summary>No signature at all.</summary>
    Unsigned,
    /// <summary>A signature whose payload was altered after signing.</summary>
    Tampered,
}

/// <summary>One distinct image of the workload: where it lives, its digest, its signature state and the user its config runs as.</summary>
public sealed record SoakImage(int Registry, string Host, string Repository, string Tag, string Digest, SoakSignature Signature, string User)
{
    /// <summary><c>host/repository:tag</c>.</summary>
    public string TagReference => $"{Host}/{Repository}:{Tag}";
    /// <summary><c>host/repository@digest</c>.</summary>
    public string DigestReference => $"{Host}/{Repository}@{Digest}";
    /// <summary><c>host/repository:tag@digest</c>.</summary>
    public string TagAndDigestReference => $"{Host}/{Repository}:{Tag}@{Digest}";
}

/// <summary>The content of one image before it is pushed: everything drawn from the seeded generator up front, so
/// digests and choices do not depend on the order in which concurrent pushes finish.</summary>
internal sealed record SoakImagePlan(int Registry, string Repository, string Tag, SoakSignature Signature, string User, byte[] Config, byte[] Layer)
{
    /// <summary>Plans <paramref name="count"/> images over <paramref name="registries"/> registries: about ten tags per
    /// repository, four teams, a third of the repositories with a <c>latest</c> tag; 60 % signed, 25 % unsigned, 15 %
    /// tampered; one in ten runs as root.</summary>
    public static IReadOnlyList<SoakImagePlan> Create(Random random, int count, int registries)
    {
        var plans = new List<SoakImagePlan>(count);
        for (var i = 0; i < count; i++)
        {
            var registry = i % registries;
            var inRegistry = i / registries;
            var perRegistry = (count - registry + registries - 1) / registries;
            var repositories = Math.Max(1, (perRegistry + 9) / 10);
            var repoIndex = inRegistry % repositories;
            var tagIndex = inRegistry / repositories;
            var repository = $"team-{(char)('a' + repoIndex % 4)}/svc-{repoIndex:D2}";
            var tag = tagIndex == 0 && (repoIndex + registry) % 3 == 1 ? "latest" : $"1.{tagIndex}.{random.Next(10)}";
            var draw = random.Next(20);
            var signature = draw < 12 ? SoakSignature.Signed : draw < 17 ? SoakSignature.Unsigned : SoakSignature.Tampered;
            var user = random.Next(10) == 0 ? "root" : "app";
            var salt = new byte[16];
            random.NextBytes(salt);
            var config = JsonSerializer.SerializeToUtf8Bytes(new
            {
                architecture = "amd64",
                os = "linux",
                config = new
                {
                    User = user,
                    Env = new[] { "BUILD_ID=" + Convert.ToHexStringLower(salt) },
                    Labels = new Dictionary<string, string> { ["org.opencontainers.image.title"] = repository },
                },
                rootfs = new { type = "layers", diff_ids = Array.Empty<string>() },
            });
            var layer = new byte[256];
            random.NextBytes(layer);
            plans.Add(new SoakImagePlan(registry, repository, tag, signature, user, config, layer));
        }
        return plans;
    }

    /// <summary>The sha256 of a byte string in OCI digest form.</summary>
    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
