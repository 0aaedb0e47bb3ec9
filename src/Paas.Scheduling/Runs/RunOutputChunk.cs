namespace Paas.Scheduling;

/// <summary>
/// Bytes a one-off process wrote, as one read of its output pipe returned them: a partial line (an interactive prompt
/// such as <c>read -p "name: "</c>), several lines, or the middle of a multi-byte character. See <see cref="RunRequest.RawOutput"/>.
/// </summary>
/// <param name="Stream">Standard output or error.</param>
/// <param name="Bytes">The bytes, valid only until the sink's returned task completes (the buffer is reused).</param>
public readonly record struct RunOutputChunk(RunOutputStream Stream, ReadOnlyMemory<byte> Bytes);
