namespace Paas.Client;

/// <summary>Body of <c>POST /v2/apps/{app}/run</c>: a one-off process from the current release (<c>paas run</c>).</summary>
/// <param name="Command">The command, run as <c>bash -c "COMMAND"</c> in the slug's app folder with the release's config vars.</param>
/// <param name="Detached">When true the API answers at once (202) and the output goes to the app's logs (<c>paas run:detached</c>).</param>
/// <param name="TimeLimitSeconds">Ends the process after this many seconds; null for the platform's default (1 hour).</param>
/// <param name="Tty">
/// Asks for a pseudo-terminal (attached runs only, <c>GET /v2/apps/{app}/run/attach</c>): the process's standard input,
/// output and error are then one terminal, as <c>heroku run</c> gives when the caller's own input and output are terminals.
/// The server grants it only when its scheduler can (see <see cref="RunEvent.Tty"/>); ignored by the NDJSON form.
/// </param>
/// <param name="TerminalSize">The caller's terminal size, for a TTY; null for <see cref="Client.TerminalSize.Default"/>.</param>
/// <param name="Term">
/// The caller's terminal type, given to the process as <c>TERM</c> with a TTY (as <c>heroku run</c> passes it), so full-screen
/// programs draw right: letters, digits and <c>.+-_</c>, at most 64; null for <c>xterm</c>.
/// </param>
public sealed record RunCreateRequest(string Command, bool Detached = false, int? TimeLimitSeconds = null, bool Tty = false, TerminalSize? TerminalSize = null, string? Term = null);
