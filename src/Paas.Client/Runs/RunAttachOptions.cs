using System.Threading.Channels;

namespace Paas.Client;

/// <summary>What a caller of <see cref="PaasClient.RunAttachedAsync(string, RunCreateRequest, Stream?, Func{byte, ReadOnlyMemory{byte}, ValueTask}, RunAttachOptions, CancellationToken)"/> adds for a TTY.</summary>
/// <param name="Started">
/// Called once with the server's start message (<see cref="RunEvent.Tty"/>: whether the process got a terminal) before
/// any output and before the input is read, so a caller can put its own terminal in raw mode only when the process has
/// one. A server that sends no start message (older than this protocol) is taken to have refused the TTY.
/// </param>
/// <param name="Resizes">New sizes of the caller's terminal, each sent as a <see cref="RunControl"/> while the process runs; null for none.</param>
public sealed record RunAttachOptions(Func<RunEvent, ValueTask>? Started = null, ChannelReader<TerminalSize>? Resizes = null);
