using Paas.Client;

namespace Paas.Cli.Terminal;

/// <summary>No terminal: standard input or output is redirected, or the system has no POSIX terminals (Windows).</summary>
internal sealed class NoTerminal : ITerminal
{
    /// <summary>The one instance.</summary>
    public static NoTerminal Instance { get; } = new();

    public bool IsInteractive => false;

    public TerminalSize? Size => null;

    public IDisposable EnterRawMode() => throw new IOException("there is no terminal");

    public IDisposable WatchSize(Action changed) => new Nothing();

    public Stream OpenInput() => Stream.Null;

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
