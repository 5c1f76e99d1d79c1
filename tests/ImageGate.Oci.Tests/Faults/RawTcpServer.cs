using System.Net;
using System.Net.Sockets;

namespace ImageGate.Oci.Tests.Faults;

/// <summary>A loopback TCP server whose handler writes raw bytes (or nothing) on each connection: for faults an
/// HTTP server will not produce, such as a body sent one byte at a time or a reset connection.</summary>
internal sealed class RawTcpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int connections;

    public RawTcpServer(Func<Socket, CancellationToken, Task> handler)
    {
        listener.Start();
        loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    using (socket)
                    {
                        try
                        {
                            // An insecure registry is tried over HTTPS first: refuse the TLS handshake as a
                            // plain-HTTP server would, so the client falls back to HTTP.
                            var first = new byte[1];
                            if (await socket.ReceiveAsync(first, SocketFlags.Peek, stop.Token) == 1 && first[0] == 0x16)
                            {
                                return;
                            }
                            Interlocked.Increment(ref connections);
                            await handler(socket, stop.Token);
                        }
                        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                        {
                            // The client gave up: that is the point of most faults.
                        }
                    }
                });
            }
        });
    }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Host => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary>Plain-HTTP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>Reads the request head (up to the blank line), bounded.</summary>
    public static async Task<string> ReadHeadAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
            if (read == 0)
            {
                break;
            }
            length += read;
            if (System.Text.Encoding.ASCII.GetString(buffer, 0, length).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }
        return System.Text.Encoding.ASCII.GetString(buffer, 0, length);
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
    }
}
