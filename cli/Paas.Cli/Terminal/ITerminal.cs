using Paas.Client;

namespace Paas.Cli.Terminal;

/// <summary>
/// The terminal <c>paas</c> runs in, as <c>paas run</c> needs it for a TTY: whether there is one, its size, raw mode and
/// window changes. <see cref="UnixTerminal"/> is the real one; tests use a fake (no terminal exists under a test runner).
/// </summary>
internal interface ITerminal
{
    /// <summary>Whether standard input and output are both terminals (what <c>heroku run</c> asks before it wants a TTY).</summary>
    bool IsInteractive { get; }

    /// <summary>The window's size now, or null when the terminal reports none (0 x 0, as a fresh pseudo-terminal does).</summary>
    TerminalSize? Size { get; }

    /// <summary>
    /// Puts the terminal in raw mode (no echo, no line editing, no signals from keys: Ctrl+C and Ctrl+D become bytes for the
    /// remote terminal, as <c>stty raw -echo</c>) until the result is disposed, which restores the settings it found.
    /// Restoring also happens if the process is ended by SIGTERM, SIGHUP or SIGQUIT; SIGCONT puts raw mode back.
    /// </summary>
    /// <returns>What restores the terminal; disposing it twice is harmless.</returns>
    /// <exception cref="IOException">The terminal's settings cannot be read or changed.</exception>
    IDisposable EnterRawMode();

    /// <summary>Calls <paramref name="changed"/> after every change of the window's size (SIGWINCH) until the result is disposed.</summary>
    /// <param name="changed">The callback (runs on a signal-handling thread: keep it short).</param>
    /// <returns>What stops the watch.</returns>
    IDisposable WatchSize(Action changed);

    /// <summary>Standard input as the bytes typed (no .NET line editing), for a TTY.</summary>
    /// <returns>A stream whose reads block until a key comes; not cancellable.</returns>
    Stream OpenInput();
}
