using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ImageGate.TestSupport;

namespace ImageGate.Notation.Tests;

/// <summary>Runs a tool with a timeout and fails with its output when it does not succeed.</summary>
internal static class Tool
{
    public static string Run(string file, string workingDir, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new AssertFailedException($"cannot run '{file}' ({e.Message}): run bash tests/setup.sh");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                throw new AssertFailedException($"'{file} {string.Join(' ', args)}' timed out");
            }
            if (process.ExitCode != 0)
            {
                throw new AssertFailedException($"'{file} {string.Join(' ', args)}' failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
            }
            return stdout.Result;
        }
    }
}

/// <summary>The generated Notary fixtures (made once per test run by tests/fixtures/notation/make-fixtures.sh)
/// and the loopback OCSP/CRL server their revocable certificates point at.</summary>
internal static class NotaryFixtures
{
    private static readonly Lazy<(string Dir, RevocationServer Server)> State = new(Create);

    public static string Dir => State.Value.Dir;

    public static RevocationServer Server => State.Value.Server;

    public static string File(string name) => Path.Combine(Dir, name);

    public static byte[] Bytes(string name) => System.IO.File.ReadAllBytes(File(name));

    public static System.Security.Cryptography.X509Certificates.X509Certificate2 Cert(string name) => TestCerts.Load(File(name + ".crt"))[0];

    public static TargetDescriptor Target => TestCerts.TargetOf(File("manifest.json"));

    public static void Stop()
    {
        if (State.IsValueCreated)
        {
            State.Value.Server.Dispose();
        }
    }

    private static (string, RevocationServer) Create()
    {
        var dir = Path.Combine(RepoPaths.TestWork, "notation-fixtures");
        var port = FreePort();
        var script = RepoPaths.Combine("tests", "fixtures", "notation", "make-fixtures.sh");
        Tool.Run("bash", RepoPaths.Root, script, dir, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (dir, new RevocationServer(dir, port));
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}

/// <summary>A loopback OCSP responder (answers with openssl from the CA database) and CRL server; it
/// rejects anything but the two expected request shapes and counts what it served.</summary>
internal sealed class RevocationServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly string dir;
    private readonly Thread thread;
    private int ocspRequests;
    private int crlRequests;
    private int rejected;

    public RevocationServer(string dir, int port)
    {
        this.dir = dir;
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        thread = new Thread(Serve) { IsBackground = true, Name = "notary-revocation-server" };
        thread.Start();
    }

    public int OcspRequests => Volatile.Read(ref ocspRequests);

    public int CrlRequests => Volatile.Read(ref crlRequests);

    public int Rejected => Volatile.Read(ref rejected);

    private void Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = listener.GetContext();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                Handle(context);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref rejected);
                context.Response.StatusCode = 500;
                var body = System.Text.Encoding.UTF8.GetBytes(e.Message);
                context.Response.OutputStream.Write(body);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        byte[] answer;
        if (context.Request.HttpMethod == "GET" && path == "/crl/intermediate.crl")
        {
            Interlocked.Increment(ref crlRequests);
            answer = System.IO.File.ReadAllBytes(Path.Combine(dir, "intermediate.crl"));
            context.Response.ContentType = "application/pkix-crl";
        }
        else if (path.StartsWith("/ocsp", StringComparison.Ordinal))
        {
            byte[] request;
            if (context.Request.HttpMethod == "POST" && context.Request.ContentType == "application/ocsp-request")
            {
                using var body = new MemoryStream();
                context.Request.InputStream.CopyTo(body);
                request = body.ToArray();
            }
            else if (context.Request.HttpMethod == "GET" && path.StartsWith("/ocsp/", StringComparison.Ordinal))
            {
                var raw = context.Request.RawUrl!["/ocsp/".Length..];
                request = Convert.FromBase64String(Uri.UnescapeDataString(raw));
            }
            else
            {
                throw new InvalidOperationException($"unexpected OCSP request {context.Request.HttpMethod} {path}");
            }
            Interlocked.Increment(ref ocspRequests);
            answer = Respond(request);
            context.Response.ContentType = "application/ocsp-response";
        }
        else
        {
            throw new InvalidOperationException($"unexpected request {context.Request.HttpMethod} {path}");
        }
        context.Response.StatusCode = 200;
        context.Response.OutputStream.Write(answer);
    }

    private byte[] Respond(byte[] request)
    {
        var id = Guid.NewGuid().ToString("N");
        var req = Path.Combine(dir, $"ocsp-{id}.req");
        var resp = Path.Combine(dir, $"ocsp-{id}.resp");
        System.IO.File.WriteAllBytes(req, request);
        try
        {
            Tool.Run("openssl", dir, "ocsp", "-index", "ca/index.txt", "-rsigner", "intermediate.crt", "-rkey", "intermediate.key",
                "-CA", "intermediate.crt", "-reqin", req, "-respout", resp, "-ndays", "1");
            return System.IO.File.ReadAllBytes(resp);
        }
        finally
        {
            System.IO.File.Delete(req);
            System.IO.File.Delete(resp);
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
    }
}

[TestClass]
public static class NotaryFixturesLifetime
{
    [AssemblyCleanup]
    public static void StopServer() => NotaryFixtures.Stop();
}
