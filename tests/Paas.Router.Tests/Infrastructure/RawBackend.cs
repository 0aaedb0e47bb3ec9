using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Paas.Router.Tests.Infrastructure;

/// <summary>
/// A backend on 127.0.0.1:0 that answers with exactly the bytes a test scripts: each accepted connection runs
/// <c>serve</c> with a <see cref="RawConnection"/> (read a request head, write bytes, close). Counts connections.
/// </summary>
public sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, Paas.Testing.LoopbackPort.Free()); // not 0: see FreePorts
    private readonly Func<RawConnection, Task> _serve;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _accepted;

    private RawBackend(Func<RawConnection, Task> serve)
    {
        _serve = serve;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Connections => Volatile.Read(ref _accepted);

    /// <summary>Requests seen, in order (their heads as text).</summary>
    public List<string> Requests { get; } = [];

    public static RawBackend Start(Func<RawConnection, Task> serve) => new(serve);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception)
        {
        }

        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAny(Task.WhenAll(connections), Task.Delay(2000));
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            var connection = new RawConnection(socket, this);
            lock (_connections)
            {
                _connections.Add(Task.Run(async () =>
                {
                    try
                    {
                        await _serve(connection);
                    }
                    catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                    {
                    }
                    finally
                    {
                        connection.Dispose();
                    }
                }));
            }
        }
    }

    /// <summary>One accepted connection, as the scripted backend sees it.</summary>
    public sealed class RawConnection(Socket socket, RawBackend backend) : IDisposable
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);
        private readonly List<byte> _pending = [];

        /// <summary>Reads one request head (up to the empty line); null when the router closed the connection.</summary>
        public async Task<string?> ReadHeadAsync()
        {
            var buffer = new byte[4096];
            while (true)
            {
                var text = Encoding.Latin1.GetString([.. _pending]);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    _pending.RemoveRange(0, end + 4);
                    var head = text[..(end + 4)];
                    lock (backend.Requests)
                    {
                        backend.Requests.Add(head);
                    }

                    return head;
                }

                var read = await _stream.ReadAsync(buffer);
                if (read == 0)
                {
                    return null;
                }

                _pending.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }

        /// <summary>Reads exactly <paramref name="count"/> body bytes (after <see cref="ReadHeadAsync"/>).</summary>
        public async Task<byte[]> ReadBytesAsync(int count)
        {
            var buffer = new byte[4096];
            while (_pending.Count < count)
            {
                var read = await _stream.ReadAsync(buffer);
                if (read == 0)
                {
                    throw new IOException("closed");
                }

                _pending.AddRange(buffer.AsSpan(0, read).ToArray());
            }

            var bytes = _pending.GetRange(0, count).ToArray();
            _pending.RemoveRange(0, count);
            return bytes;
        }

        /// <summary>Reads a chunked body to its end and returns the decoded bytes.</summary>
        public async Task<string> ReadChunkedAsync()
        {
            var body = new StringBuilder();
            while (true)
            {
                var line = await ReadLineAsync();
                var size = Convert.ToInt32(line.Split(';')[0], 16);
                if (size == 0)
                {
                    while ((await ReadLineAsync()).Length > 0)
                    {
                    }

                    return body.ToString();
                }

                body.Append(Encoding.Latin1.GetString(await ReadBytesAsync(size)));
                await ReadLineAsync();
            }
        }

        public async Task WriteAsync(string text)
        {
            await _stream.WriteAsync(Encoding.Latin1.GetBytes(text));
            await _stream.FlushAsync();
        }

        public void Dispose() => _stream.Dispose();

        private async Task<string> ReadLineAsync()
        {
            var line = new StringBuilder();
            while (true)
            {
                var b = (await ReadBytesAsync(1))[0];
                if (b == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                line.Append((char)b);
            }
        }
    }
}
