using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Paas.Router.Hosting;

/// <summary>
/// Whether this process completes socket operations inline: with <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>
/// in its environment, .NET's socket engine runs the continuation of every socket operation on its own event-loop
/// thread (one per CPU) instead of queueing it to the thread pool. .NET reads the variable once, when the first socket
/// is made, so it belongs in the process's environment: the chart sets it in the router pod only
/// (<c>router.inlineSocketCompletions</c>).
/// <para>
/// What it buys the router: a request goes from the client's socket through YARP to the app's socket and back on one
/// thread, with no hand-off between threads. On a loaded CPU each hand-off is a context switch; measured in
/// <c>bench/router</c> (one core for the router), about 12-19% more requests/s at 11-17% less CPU per request.
/// </para>
/// <para>
/// What it costs: code that blocks in a continuation (synchronous I/O, a contended lock, sync-over-async) stalls every
/// socket of that event loop. The router's pipeline never blocks (short uncontended locks, non-blocking log sinks);
/// the controller, builder and registry do (database, git, files), so paasd warns when the variable is set in a process
/// running any of them. CPU work runs there too: a TLS handshake (about a millisecond) delays the other sockets of its
/// event loop by as much, as in nginx's worker loops.
/// </para>
/// </summary>
public static class SocketCompletions
{
    /// <summary>The variable .NET's socket engine reads (<c>System.Net.Sockets</c>, SocketAsyncEngine.Unix): "1" turns it on.</summary>
    public const string EnvironmentVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>True when this process's socket completions run inline (the variable is "1", as .NET tests it).</summary>
    public static bool Inline { get; } = Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    /// <summary>
    /// Kestrel's scheduling to go with this process's socket completions: with them inline, the request runs on the thread
    /// that completed the socket read too (<c>UnsafePreferInlineScheduling</c>), so a request never changes threads.
    /// Without them Kestrel's default is kept: inline scheduling alone would run the pipeline on whatever thread completed
    /// the read, which in <c>bench/router</c> only added latency (p99 up to 7x).
    /// </summary>
    /// <param name="options">The socket transport options of the host that serves the router (or of a bench's bare forwarder).</param>
    public static void ApplyTo(SocketTransportOptions options) => options.UnsafePreferInlineScheduling |= Inline;
}
