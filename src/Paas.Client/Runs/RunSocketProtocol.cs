namespace Paas.Client;

/// <summary>
/// The WebSocket protocol of an attached one-off process (<c>paas run</c>), on <c>GET /v2/apps/{app}/run/attach</c>
/// (RFC 6455; token auth and role <c>deploy</c> as the rest of the API). Unknown app (404), missing role (403), bad token
/// (401) and an app without a build (400) are answered as problem details before the upgrade, so a client reports them
/// as for any other route. After the upgrade:
/// <list type="number">
/// <item>the client sends one text message: the <see cref="RunCreateRequest"/> as JSON (<c>detached</c> must be false);</item>
/// <item>the server answers one text message, the start: a <see cref="RunEvent"/> with only <c>tty</c> (and a
/// <c>notice</c> when a TTY was asked for but the scheduler has none), before any output; a request it refuses (bad
/// JSON, a detached run, a value out of range) gets no start, only the final message with <c>failure_reason</c>;</item>
/// <item>the client sends binary messages with the bytes for the process's standard input, and one empty binary
/// message at the end of its input (EOF: the process's standard input is closed); a client with no input sends the
/// empty message at once. With a TTY the bytes are keystrokes (Ctrl+C is byte 3, which the terminal turns into SIGINT);
/// text messages are <see cref="RunControl"/>s, e.g. the terminal's new size;</item>
/// <item>the server sends binary messages whose first byte is the stream (<see cref="StandardOutput"/> or
/// <see cref="StandardError"/>) and whose other bytes are the output, as the process writes it (partial lines
/// included, so prompts show); with a TTY everything is <see cref="StandardOutput"/>, as the terminal shows it;</item>
/// <item>the server ends with one text message, the final <see cref="RunEvent"/> (name, exit code, time-out, or why it
/// could not start), then closes the connection normally.</item>
/// </list>
/// A client that closes or drops the connection before that ends the process (SIGKILL of its process group), which is how
/// Ctrl+C reaches it. Both sides send keep-alive frames every <see cref="KeepAliveInterval"/>, so a process that waits
/// silently for input is not cut by the router's idle timeout (55 s by default).
/// </summary>
/// <remarks>
/// The channel byte on output is the idea of Kubernetes' <c>channel.k8s.io</c> exec protocol: output stays byte-exact and
/// standard error stays apart, with no JSON escaping of every chunk.
/// </remarks>
public static class RunSocketProtocol
{
    /// <summary>The first byte of a server binary message that carries standard output.</summary>
    public const byte StandardOutput = 1;

    /// <summary>The first byte of a server binary message that carries standard error.</summary>
    public const byte StandardError = 2;

    /// <summary>How often each side sends a keep-alive frame: 20 s, well under the router's idle timeout.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(20);

    /// <summary>The largest first message (the run request) the server reads: 64 KiB.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>The route's path after the app: <c>/v2/apps/{app}/run/attach</c>.</summary>
    public const string Path = "run/attach";
}
