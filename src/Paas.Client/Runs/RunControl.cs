namespace Paas.Client;

/// <summary>
/// A control message of an attached run (<see cref="RunSocketProtocol"/>): a text message the client sends after the run
/// request, e.g. <c>{"resize": {"width": 100, "height": 30}}</c> when its terminal's window changed (SIGWINCH). The server
/// ignores resizes of a run without a TTY and control messages it does not know.
/// </summary>
/// <param name="Resize">The terminal's new size, or null.</param>
public sealed record RunControl(TerminalSize? Resize = null);
