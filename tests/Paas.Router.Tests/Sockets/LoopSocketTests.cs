using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Paas.Router.Sockets;

namespace Paas.Router.Tests.Sockets;

/// <summary>
/// <see cref="LoopSocket"/> against real loopback peers, on a real <see cref="EventLoop"/> (epoll) and, for the same
/// behaviour, on the .NET socket engine (no loop).
/// </summary>
public sealed class LoopSocketTests : IDisposable
{
    private readonly EventLoopGroup _loops = new(1, NullLogger.Instance);
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public LoopSocketTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
    }

    public static TheoryData<bool> Modes => [true, false];

    private IPEndPoint Address => (IPEndPoint)_listener.LocalEndPoint!;

    public void Dispose()
    {
        _listener.Dispose();
        _loops.Dispose();
    }

    [Fact]
    public void Epoll_is_available_on_this_machine()
    {
        // The platform's servers are Linux; without epoll every test below would only cover the fallback.
        Assert.True(Epoll.IsSupported, "epoll (glibc, x86-64 or arm64) was expected here");
        Assert.Equal(1, _loops.Count);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Bytes_go_both_ways_and_the_end_of_the_stream_reads_as_zero(bool onLoop)
    {
        var (socket, peer) = await PairAsync(onLoop);
        using var _ = socket;
        using var __ = peer;

        await socket.SendAsync("ping"u8.ToArray());
        var buffer = new byte[16];
        Assert.Equal("ping", await ReceiveTextAsync(peer, 4));

        var pending = socket.ReceiveAsync(buffer);
        await peer.SendAsync("pong"u8.ToArray());
        Assert.Equal(4, await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("pong", System.Text.Encoding.ASCII.GetString(buffer, 0, 4));

        peer.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await socket.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task The_last_bytes_and_the_close_that_arrive_together_are_both_read(bool onLoop)
    {
        // One edge-triggered event reports both; the short read of the bytes must not be taken for "nothing left".
        var (socket, peer) = await PairAsync(onLoop);
        using var _ = socket;
        using var __ = peer;
        var buffer = new byte[64];
        var pending = socket.ReceiveAsync(buffer);
        await peer.SendAsync("a"u8.ToArray());
        Assert.Equal(1, await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));

        await peer.SendAsync("last"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);
        await Task.Delay(100);

        Assert.Equal(4, await socket.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, await socket.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_receive_that_waits_resumes_on_the_loop_thread()
    {
        var (socket, peer) = await PairAsync(onLoop: true);
        using var _ = socket;
        using var __ = peer;

        var resumedOn = ResumedOnAsync(socket);
        await Task.Delay(50);
        Assert.False(resumedOn.IsCompleted);
        await peer.SendAsync("x"u8.ToArray());

        Assert.StartsWith("paas-router-loop-", await resumedOn.WaitAsync(TimeSpan.FromSeconds(5)), StringComparison.Ordinal);

        static async Task<string?> ResumedOnAsync(LoopSocket socket)
        {
            await socket.ReceiveAsync(new byte[8]);
            return Thread.CurrentThread.Name;
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Disposing_fails_a_pending_receive(bool onLoop)
    {
        var (socket, peer) = await PairAsync(onLoop);
        using var _ = peer;

        var pending = socket.ReceiveAsync(new byte[8]).AsTask();
        await Task.Delay(50);
        socket.Dispose();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(error is ObjectDisposedException or SocketException, error.ToString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_send_larger_than_the_kernel_buffers_completes_as_the_peer_reads(bool onLoop)
    {
        var (socket, peer) = await PairAsync(onLoop);
        using var _ = socket;
        using var __ = peer;
        var data = new byte[16 * 1024 * 1024];
        Random.Shared.NextBytes(data);

        var sending = socket.SendAsync(data).AsTask();
        await Task.Delay(100);
        Assert.False(sending.IsCompleted, "16 MiB should not fit in loopback socket buffers");
        var received = new byte[data.Length];
        var total = 0;
        while (total < received.Length)
        {
            total += await peer.ReceiveAsync(received.AsMemory(total));
        }

        await sending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(data, received);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Connecting_to_a_closed_port_is_refused(bool onLoop)
    {
        var port = Address.Port;
        _listener.Dispose();

        var error = await Assert.ThrowsAsync<SocketException>(async () =>
            await LoopSocket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), onLoop ? _loops.Next() : null, TimeSpan.FromSeconds(5)));

        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        Assert.Equal(0, LoopCount());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Connecting_to_a_listener_that_never_accepts_times_out_without_blocking_the_caller(bool onLoop)
    {
        // A full accept queue: the kernel drops further SYNs, so the connection hangs in SYN-SENT.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(1);
        var fillers = Enumerable.Range(0, 4).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToList();
        fillers.ForEach(f => _ = f.ConnectAsync(full.LocalEndPoint!));
        await Task.Delay(200);

        var started = DateTime.UtcNow;
        var connecting = LoopSocket.ConnectAsync(full.LocalEndPoint!, onLoop ? _loops.Next() : null, TimeSpan.FromMilliseconds(300));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(200), "the connect must not wait on the calling thread");
        Assert.False(connecting.IsCompleted, $"completed at once: {(connecting.IsCompleted ? connecting.AsTask().Exception?.InnerException?.ToString() ?? "connected" : "")}");

        await Assert.ThrowsAsync<TimeoutException>(async () => await connecting);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Equal(0, LoopCount());
        fillers.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task An_idle_connection_reports_activity_only_for_new_data_or_a_close()
    {
        var (socket, peer) = await PairAsync(onLoop: true);
        using var _ = socket;
        using var __ = peer;
        var buffer = new byte[64];

        // Two segments read together, then the events of both arrive: no activity since, the socket is empty.
        await peer.SendAsync("first"u8.ToArray());
        await peer.SendAsync("second"u8.ToArray());
        await Task.Delay(50);
        Assert.Equal(11, await ReceiveAllAsync(socket, buffer, 11));
        await Task.Delay(50);
        var idle = socket.ReadEvents - 1;
        Assert.False(socket.ActiveSince(idle), "a late event for bytes already read is not activity");
        idle = socket.ReadEvents;
        Assert.False(socket.ActiveSince(idle));

        await peer.SendAsync("unasked"u8.ToArray());
        await WaitForAsync(() => socket.ReadEvents != idle);
        Assert.True(socket.ActiveSince(idle));
        Assert.Equal(7, await socket.ReceiveAsync(buffer));

        idle = socket.ReadEvents;
        peer.Shutdown(SocketShutdown.Send);
        await WaitForAsync(() => socket.ReadEvents != idle);
        Assert.True(socket.ActiveSince(idle), "a close by the peer is activity");
    }

    [Fact]
    public async Task A_detached_socket_leaves_the_loop_and_works_with_the_dotnet_engine()
    {
        var (socket, peer) = await PairAsync(onLoop: true);
        using var __ = peer;
        Assert.Equal(1, LoopCount());

        using var detached = socket.Detach();
        socket.Dispose();
        Assert.Equal(0, LoopCount());
        Assert.True(detached.Blocking);

        await peer.SendAsync("hello"u8.ToArray());
        var buffer = new byte[8];
        Assert.Equal(5, await detached.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(5)));
        await detached.SendAsync("back"u8.ToArray());
        Assert.Equal("back", await ReceiveTextAsync(peer, 4));
    }

    [Fact]
    public async Task Many_connections_opened_and_closed_in_turn_each_get_their_own_bytes()
    {
        // Slots are reused with a new generation: an event for a closed socket must never reach its successor.
        for (var round = 0; round < 5; round++)
        {
            var pairs = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => PairAsync(onLoop: true)));
            await Task.WhenAll(pairs.Select(async (pair, i) =>
            {
                var text = $"conn-{round}-{i:D3}";
                var pending = pair.Socket.ReceiveAsync(new byte[64]);
                await pair.Peer.SendAsync(System.Text.Encoding.ASCII.GetBytes(text));
                Assert.Equal(text.Length, await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
                await pair.Socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(text));
                Assert.Equal(text, await ReceiveTextAsync(pair.Peer, text.Length));
            }));
            foreach (var (socket, peer) in pairs)
            {
                socket.Dispose();
                peer.Dispose();
            }

            Assert.Equal(0, LoopCount());
        }
    }

    private int LoopCount() => _loops.Next()!.Count;

    private async Task<(LoopSocket Socket, Socket Peer)> PairAsync(bool onLoop)
    {
        var accepting = _listener.AcceptAsync();
        var socket = await LoopSocket.ConnectAsync(Address, onLoop ? _loops.Next() : null, TimeSpan.FromSeconds(5));
        var peer = await accepting;
        Assert.Equal(onLoop, socket.OnLoop);
        return (socket, peer);
    }

    private static async Task<string> ReceiveTextAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        var total = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (total < length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return System.Text.Encoding.ASCII.GetString(buffer, 0, total);
    }

    private static async Task<int> ReceiveAllAsync(LoopSocket socket, byte[] buffer, int length)
    {
        var total = 0;
        while (total < length)
        {
            total += await socket.ReceiveAsync(buffer.AsMemory(total)).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        }

        return total;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
