namespace Paas.Scheduling;

/// <summary>A one-off process (<c>paas run CMD</c>) of an app's current release.</summary>
/// <param name="Spec">The release to run it from (its slug, config vars and source version); its formation is ignored.</param>
/// <param name="Command">The command, run as <c>bash -c "COMMAND"</c> in the slug's app folder.</param>
/// <param name="TimeLimit">Ends the process (SIGKILL of its process group) after this long; null for the runtime's default (1 h).</param>
/// <param name="Detached">When true (<c>paas run:detached</c>) its output goes to the app's logs as <c>app[run.N]</c> instead of the caller.</param>
/// <param name="Input">
/// Bytes forwarded to the process's standard input as they become readable (an interactive caller's keystrokes), then
/// closed at the stream's end; null for none (standard input is closed at once). Forwarding stops when the process ends.
/// </param>
/// <param name="RawOutput">
/// For an attached run: when set, the output goes here as raw chunks, as the process writes them (so a prompt without a
/// newline shows at once, and bytes reach the caller unchanged, standard output and error apart), instead of line by line
/// to the <c>output</c> callback of <see cref="IScheduler.RunAsync"/>. Awaited before the next chunk of the same stream;
/// calls for the two streams may overlap. Ignored for detached runs (the app's logs stay line-based). Runtimes that
/// cannot deliver raw output fall back to lines, each chunk one line with its <c>\n</c>.
/// </param>
/// <param name="Terminal">
/// When set (only given to a scheduler whose <see cref="IScheduler.SupportsTty"/> is true, for attached runs), the process
/// runs on a pseudo-terminal of that size, which is its controlling terminal and its standard input, output and error:
/// <see cref="Input"/> carries keystrokes (the terminal echoes them and turns Ctrl+C, byte 3, into SIGINT) and everything
/// the terminal shows comes to <see cref="RawOutput"/> as <see cref="RunOutputStream.StandardOutput"/>, <c>\r\n</c> line
/// ends included. Null: plain pipes, as <c>heroku run</c> without a terminal (<c>--no-tty</c>).
/// </param>
public sealed record RunRequest(
    DeploymentSpec Spec,
    string Command,
    TimeSpan? TimeLimit = null,
    bool Detached = false,
    Stream? Input = null,
    Func<RunOutputChunk, CancellationToken, ValueTask>? RawOutput = null,
    RunTerminal? Terminal = null);
