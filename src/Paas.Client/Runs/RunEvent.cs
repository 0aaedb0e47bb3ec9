namespace Paas.Client;

/// <summary>
/// One line of the answer to <c>POST /v2/apps/{app}/run</c>, which is newline-delimited JSON
/// (<c>application/x-ndjson</c>): zero or more <c>{"line": "..."}</c> as the process prints them, then one final
/// <c>{"name": "run.4821", "exit_code": 0, "timed_out": false}</c> (with <c>failure_reason</c> when it could not start).
/// A detached run answers only the final object, with no exit code. The WebSocket form (<see cref="RunSocketProtocol"/>)
/// also sends it first as the start message (<c>{"tty": true}</c>) and last as the final one.
/// </summary>
/// <param name="Line">An output line (standard output and error merged), or null in the final object.</param>
/// <param name="Name">The process name, in the final object.</param>
/// <param name="ExitCode">The exit status, in the final object of an attached run.</param>
/// <param name="TimedOut">Whether the time limit ended it, in the final object.</param>
/// <param name="FailureReason">Why it could not start, when it could not.</param>
/// <param name="Tty">In the start message of the WebSocket form only: whether the process gets a terminal (asked for and granted).</param>
/// <param name="Notice">In the start message: a sentence for the person when a TTY was asked for and not granted (the scheduler has none).</param>
public sealed record RunEvent(string? Line = null, string? Name = null, int? ExitCode = null, bool? TimedOut = null, string? FailureReason = null, bool? Tty = null, string? Notice = null);
