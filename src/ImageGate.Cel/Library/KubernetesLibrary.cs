using ImageGate.Cel.Kubernetes;
using ImageGate.Cel.Regex;

namespace ImageGate.Cel.Library;

/// <summary>The Kubernetes CEL libraries: lists, regex, url, quantity, ip, cidr, format, semver; plus cel-go's regex extension.</summary>
internal static class KubernetesLibrary
{
    public static readonly CelType QuantityType = CelType.Opaque("kubernetes.Quantity");
    public static readonly CelType UrlType = CelType.Opaque("kubernetes.URL");
    public static readonly CelType IpType = CelType.Opaque("net.IP");
    public static readonly CelType CidrType = CelType.Opaque("net.CIDR");
    public static readonly CelType SemverType = CelType.Opaque("kubernetes.Semver");
    public static readonly CelType FormatType = CelType.Opaque("kubernetes.NamedFormat");
    private static readonly CelType S = CelType.String, I = CelType.Int, Bo = CelType.Bool, D = CelType.Double;
    private static readonly CelType ListA = CelType.List(StandardLibrary.A);

    public static void Register(CelEnvironment env)
    {
        Values.RegisterHostType(typeof(Quantity), QuantityType);
        Values.RegisterHostType(typeof(KubeUrl), UrlType);
        Values.RegisterHostType(typeof(IpAddress), IpType);
        Values.RegisterHostType(typeof(Cidr), CidrType);
        Values.RegisterHostType(typeof(SemVer), SemverType);
        Values.RegisterHostType(typeof(Format), FormatType);
        RegisterLists(env);
        RegisterRegex(env);
        RegisterUrl(env);
        RegisterQuantity(env);
        RegisterNetwork(env);
        RegisterFormat(env);
        RegisterSemver(env);
    }

    private static object Try(Func<object> f, string what)
    {
        try { return f(); }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or InvalidOperationException)
        {
            return new CelError($"{what}: {ex.Message}");
        }
    }

    private static void RegisterLists(CelEnvironment env)
    {
        StandardLibrary.M1(env, "isSorted", ListA, Bo, l =>
        {
            var a = Values.ListToArray(l);
            for (var i = 1; i < a.Length; i++)
            {
                var c = Values.Compare(a[i - 1], a[i]);
                if (c is null) return new CelError($"isSorted: elements of type {Values.TypeName(a[i])} are not comparable");
                if (c == 1) return Values.False;
            }
            return Values.True;
        });
        StandardLibrary.M1(env, "sum", ListA, StandardLibrary.A, l =>
        {
            object acc = Values.Int(0);
            var a = Values.ListToArray(l);
            if (a.Length > 0 && a[0] is double) acc = 0.0;
            else if (a.Length > 0 && a[0] is ulong) acc = 0UL;
            else if (a.Length > 0 && a[0] is CelDuration) acc = new CelDuration(0);
            foreach (var x in a)
            {
                acc = Operators.Add(acc, x);
                if (acc is CelError) return acc;
            }
            return acc;
        });
        foreach (var (name, sign) in new[] { ("min", -1), ("max", 1) })
        {
            StandardLibrary.M1(env, name, ListA, StandardLibrary.A, l =>
            {
                var a = Values.ListToArray(l);
                if (a.Length == 0) return new CelError($"{name} called on empty list");
                var best = a[0];
                foreach (var x in a)
                {
                    var c = Values.Compare(x, best);
                    if (c is null) return new CelError($"{name}: elements of type {Values.TypeName(x)} are not comparable");
                    if (c == sign) best = x;
                }
                return best;
            });
        }
        StandardLibrary.M2(env, "indexOf", ListA, StandardLibrary.A, I, (l, x) =>
        {
            var a = Values.ListToArray(l);
            for (var i = 0; i < a.Length; i++) if (Values.Equal(a[i], x)) return Values.Int(i);
            return Values.Int(-1);
        });
        StandardLibrary.M2(env, "lastIndexOf", ListA, StandardLibrary.A, I, (l, x) =>
        {
            var a = Values.ListToArray(l);
            for (var i = a.Length - 1; i >= 0; i--) if (Values.Equal(a[i], x)) return Values.Int(i);
            return Values.Int(-1);
        });
    }

    private static object Compile(object pattern, Func<Re2Regex, object> f)
    {
        Re2Regex re;
        try { re = Re2Regex.GetOrCompile((string)pattern); }
        catch (FormatException ex) { return new CelError($"invalid regular expression '{pattern}': {ex.Message}"); }
        return f(re);
    }

    private static void RegisterRegex(CelEnvironment env)
    {
        StandardLibrary.M2(env, "find", S, S, S, (s, p) => Compile(p, re => re.Find((string)s) ?? ""));
        StandardLibrary.M2(env, "findAll", S, S, CelType.List(S), (s, p) => Compile(p, re => new CelList(re.FindAll((string)s).Cast<object>().ToArray())));
        StandardLibrary.MN(env, "findAll", [S, S, I], CelType.List(S), a => Compile(a[1], re => new CelList(re.FindAll((string)a[0], (int)Math.Clamp((long)a[2], -1, int.MaxValue)).Cast<object>().ToArray())));
        StandardLibrary.GN(env, "regex.replace", [S, S, S], S, a => Compile(a[1], re => re.ReplaceAll((string)a[0], (string)a[2])));
        StandardLibrary.G2(env, "regex.extract", S, S, CelType.Optional(S), (s, p) => Compile(p, re =>
        {
            var m = re.FindSubmatch((string)s);
            if (m == null) return CelOptional.None;
            if (m.Count > 2) return new CelError("regex.extract: multiple capture groups are not supported");
            var v = m.Count == 2 ? m[1] : m[0];
            return v == null ? CelOptional.None : CelOptional.Of(v);
        }));
        StandardLibrary.G2(env, "regex.extractAll", S, S, CelType.List(S), (s, p) => Compile(p, re =>
        {
            var res = new List<object>();
            foreach (var m in re.FindAllSubmatch((string)s))
            {
                if (m.Count > 2) return new CelError("regex.extractAll: multiple capture groups are not supported");
                var v = m.Count == 2 ? m[1] : m[0];
                if (v != null) res.Add(v);
            }
            return new CelList(res.ToArray());
        }));
    }

    private static void RegisterUrl(CelEnvironment env)
    {
        StandardLibrary.G1(env, "url", S, UrlType, s => Try(() => KubeUrl.Parse((string)s), "url"));
        StandardLibrary.G1(env, "isURL", S, Bo, s => Values.Bool(KubeUrl.IsValid((string)s)));
        StandardLibrary.M1(env, "getScheme", UrlType, S, u => ((KubeUrl)u).Scheme);
        StandardLibrary.M1(env, "getHost", UrlType, S, u => ((KubeUrl)u).Host);
        StandardLibrary.M1(env, "getHostname", UrlType, S, u => ((KubeUrl)u).Hostname);
        StandardLibrary.M1(env, "getPort", UrlType, S, u => ((KubeUrl)u).Port);
        StandardLibrary.M1(env, "getEscapedPath", UrlType, S, u => ((KubeUrl)u).EscapedPath);
        StandardLibrary.M1(env, "getQuery", UrlType, CelType.Map(S, CelType.List(S)), u =>
        {
            var m = new CelMap();
            foreach (var kv in ((KubeUrl)u).Query) m.Entries[kv.Key] = new CelList(kv.Value.Cast<object>().ToArray());
            return m;
        });
    }

    private static void RegisterQuantity(CelEnvironment env)
    {
        StandardLibrary.G1(env, "quantity", S, QuantityType, s => Try(() => Quantity.Parse((string)s), "quantity"));
        StandardLibrary.G1(env, "isQuantity", S, Bo, s => Values.Bool(Quantity.IsValid((string)s)));
        StandardLibrary.M1(env, "isInteger", QuantityType, Bo, q => Values.Bool(((Quantity)q).IsInteger));
        StandardLibrary.M1(env, "asInteger", QuantityType, I, q => Try(() => Values.Int(((Quantity)q).AsInteger()), "asInteger"));
        StandardLibrary.M1(env, "asApproximateFloat", QuantityType, D, q => ((Quantity)q).AsApproximateFloat64());
        StandardLibrary.M1(env, "sign", QuantityType, I, q => Values.Int(((Quantity)q).Sign));
        StandardLibrary.M2(env, "add", QuantityType, QuantityType, QuantityType, (a, b) => Try(() => ((Quantity)a).Add((Quantity)b), "add"));
        StandardLibrary.M2(env, "add", QuantityType, I, QuantityType, (a, b) => Try(() => ((Quantity)a).Add((long)b), "add"));
        StandardLibrary.M2(env, "sub", QuantityType, QuantityType, QuantityType, (a, b) => Try(() => ((Quantity)a).Subtract((Quantity)b), "sub"));
        StandardLibrary.M2(env, "sub", QuantityType, I, QuantityType, (a, b) => Try(() => ((Quantity)a).Subtract((long)b), "sub"));
        StandardLibrary.M2(env, "isLessThan", QuantityType, QuantityType, Bo, (a, b) => Values.Bool(((Quantity)a).IsLessThan((Quantity)b)));
        StandardLibrary.M2(env, "isGreaterThan", QuantityType, QuantityType, Bo, (a, b) => Values.Bool(((Quantity)a).IsGreaterThan((Quantity)b)));
        StandardLibrary.M2(env, "compareTo", QuantityType, QuantityType, I, (a, b) => Values.Int(Math.Sign(((Quantity)a).CompareTo((Quantity)b))));
    }

    private static void RegisterNetwork(CelEnvironment env)
    {
        StandardLibrary.G1(env, "ip", S, IpType, s => Try(() => IpAddress.Parse((string)s), "ip"));
        StandardLibrary.G1(env, "isIP", S, Bo, s => Values.Bool(IpAddress.IsValid((string)s)));
        StandardLibrary.G1(env, "ip.isCanonical", S, Bo, s => Try(() => Values.Bool(IpAddress.IsCanonical((string)s)), "ip.isCanonical"));
        StandardLibrary.G1(env, "string", IpType, S, ip => ip.ToString()!);
        StandardLibrary.M1(env, "family", IpType, I, ip => Values.Int(((IpAddress)ip).Family));
        StandardLibrary.M1(env, "isUnspecified", IpType, Bo, ip => Values.Bool(((IpAddress)ip).IsUnspecified));
        StandardLibrary.M1(env, "isLoopback", IpType, Bo, ip => Values.Bool(((IpAddress)ip).IsLoopback));
        StandardLibrary.M1(env, "isLinkLocalMulticast", IpType, Bo, ip => Values.Bool(((IpAddress)ip).IsLinkLocalMulticast));
        StandardLibrary.M1(env, "isLinkLocalUnicast", IpType, Bo, ip => Values.Bool(((IpAddress)ip).IsLinkLocalUnicast));
        StandardLibrary.M1(env, "isGlobalUnicast", IpType, Bo, ip => Values.Bool(((IpAddress)ip).IsGlobalUnicast));
        StandardLibrary.G1(env, "cidr", S, CidrType, s => Try(() => Cidr.Parse((string)s), "cidr"));
        StandardLibrary.G1(env, "isCIDR", S, Bo, s => Values.Bool(Cidr.IsValid((string)s)));
        StandardLibrary.G1(env, "string", CidrType, S, c => c.ToString()!);
        StandardLibrary.M2(env, "containsIP", CidrType, IpType, Bo, (c, ip) => Values.Bool(((Cidr)c).ContainsIp((IpAddress)ip)));
        StandardLibrary.M2(env, "containsIP", CidrType, S, Bo, (c, ip) => Try(() => Values.Bool(((Cidr)c).ContainsIp((string)ip)), "containsIP"));
        StandardLibrary.M2(env, "containsCIDR", CidrType, CidrType, Bo, (c, o) => Values.Bool(((Cidr)c).ContainsCidr((Cidr)o)));
        StandardLibrary.M2(env, "containsCIDR", CidrType, S, Bo, (c, o) => Try(() => Values.Bool(((Cidr)c).ContainsCidr((string)o)), "containsCIDR"));
        StandardLibrary.M1(env, "ip", CidrType, IpType, c => ((Cidr)c).Ip);
        StandardLibrary.M1(env, "masked", CidrType, CidrType, c => ((Cidr)c).Masked());
        StandardLibrary.M1(env, "prefixLength", CidrType, I, c => Values.Int(((Cidr)c).PrefixLength));
    }

    private static void RegisterFormat(CelEnvironment env)
    {
        foreach (var name in Format.Names)
        {
            var f = Format.Named(name)!;
            StandardLibrary.GN(env, "format." + name, [], FormatType, _ => f);
        }
        StandardLibrary.G1(env, "format.named", S, CelType.Optional(FormatType), n => Format.Named((string)n) is { } f ? CelOptional.Of(f) : CelOptional.None);
        StandardLibrary.M2(env, "validate", FormatType, S, CelType.Optional(CelType.List(S)), (f, s) =>
        {
            var errors = ((Format)f).Validate((string)s);
            return errors.Count == 0 ? CelOptional.None : CelOptional.Of(new CelList(errors.Cast<object>().ToArray()));
        });
    }

    private static void RegisterSemver(CelEnvironment env)
    {
        StandardLibrary.G1(env, "semver", S, SemverType, s => Try(() => SemVer.Parse((string)s), "semver"));
        StandardLibrary.G2(env, "semver", S, Bo, SemverType, (s, n) => Try(() => SemVer.Parse((string)s, (bool)n), "semver"));
        StandardLibrary.G1(env, "isSemver", S, Bo, s => Values.Bool(SemVer.IsValid((string)s)));
        StandardLibrary.G2(env, "isSemver", S, Bo, Bo, (s, n) => Values.Bool(SemVer.IsValid((string)s, (bool)n)));
        StandardLibrary.M1(env, "major", SemverType, I, v => Values.Int((long)((SemVer)v).Major));
        StandardLibrary.M1(env, "minor", SemverType, I, v => Values.Int((long)((SemVer)v).Minor));
        StandardLibrary.M1(env, "patch", SemverType, I, v => Values.Int((long)((SemVer)v).Patch));
        StandardLibrary.M2(env, "isLessThan", SemverType, SemverType, Bo, (a, b) => Values.Bool(((SemVer)a).IsLessThan((SemVer)b)));
        StandardLibrary.M2(env, "isGreaterThan", SemverType, SemverType, Bo, (a, b) => Values.Bool(((SemVer)a).IsGreaterThan((SemVer)b)));
        StandardLibrary.M2(env, "compareTo", SemverType, SemverType, I, (a, b) => Values.Int(Math.Sign(((SemVer)a).CompareTo((SemVer)b))));
    }
}
