using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Paas.Router.Forwarding;

/// <summary>
/// Decodes a chunked response body (RFC 9112 section 7.1) from a <see cref="BackendConnection"/>'s buffer into the
/// client's <see cref="PipeWriter"/>, as far as the buffered bytes go: size line (extensions ignored), data, CRLF,
/// ..., last chunk, trailer section. The caller refills the buffer when <see cref="Step"/> needs more.
/// </summary>
internal sealed class ChunkedDecoder
{
    private State _state = State.Size;
    private long _remaining;

    /// <summary>The result of one <see cref="Step"/>.</summary>
    public enum Result
    {
        /// <summary>The buffered bytes are used up; refill and call again.</summary>
        NeedMore,

        /// <summary>The body and its trailer section are complete.</summary>
        Done,
    }

    private enum State
    {
        Size,
        Data,
        DataEnd,
        Trailers,
    }

    /// <summary>Trailer fields sent after the last chunk, if any.</summary>
    public List<KeyValuePair<string, StringValues>>? Trailers { get; private set; }

    /// <summary>Decodes what is buffered; <paramref name="copied"/> is the number of data bytes written to <paramref name="writer"/>.</summary>
    /// <exception cref="InvalidDataException">The body is not valid chunked coding.</exception>
    public Result Step(BackendConnection connection, PipeWriter writer, out long copied)
    {
        copied = 0;
        while (true)
        {
            var unread = connection.Unread;
            switch (_state)
            {
                case State.Size:
                    {
                        var newline = unread.IndexOf((byte)'\n');
                        if (newline < 0)
                        {
                            return Result.NeedMore;
                        }

                        _remaining = ParseSize(unread[..newline]);
                        connection.Start += newline + 1;
                        _state = _remaining == 0 ? State.Trailers : State.Data;
                        break;
                    }

                case State.Data:
                    {
                        if (unread.IsEmpty)
                        {
                            return Result.NeedMore;
                        }

                        var count = (int)Math.Min(_remaining, unread.Length);
                        writer.Write(unread[..count]);
                        connection.Start += count;
                        copied += count;
                        _remaining -= count;
                        if (_remaining == 0)
                        {
                            _state = State.DataEnd;
                        }

                        break;
                    }

                case State.DataEnd:
                    {
                        if (unread.Length < 1 || (unread[0] == '\r' && unread.Length < 2))
                        {
                            return Result.NeedMore;
                        }

                        var skip = unread[0] == '\n' ? 1 : unread[0] == '\r' && unread[1] == '\n' ? 2
                            : throw new InvalidDataException("A chunk of the backend's response does not end with CRLF.");
                        connection.Start += skip;
                        _state = State.Size;
                        break;
                    }

                case State.Trailers:
                    {
                        var newline = unread.IndexOf((byte)'\n');
                        if (newline < 0)
                        {
                            return Result.NeedMore;
                        }

                        var line = unread[..newline];
                        if (line.Length > 0 && line[^1] == '\r')
                        {
                            line = line[..^1];
                        }

                        connection.Start += newline + 1;
                        if (line.IsEmpty)
                        {
                            return Result.Done;
                        }

                        var colon = line.IndexOf((byte)':');
                        if (colon > 0)
                        {
                            (Trailers ??= []).Add(new(Encoding.Latin1.GetString(line[..colon]), Encoding.Latin1.GetString(line[(colon + 1)..].Trim((byte)' '))));
                        }

                        break;
                    }
            }
        }
    }

    private static long ParseSize(ReadOnlySpan<byte> line)
    {
        long size = 0;
        var digits = 0;
        foreach (var b in line)
        {
            var value = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                break;
            }

            if (++digits > 15)
            {
                throw new InvalidDataException("A chunk size of the backend's response is too large.");
            }

            size = (size << 4) | (uint)value;
        }

        return digits == 0 ? throw new InvalidDataException("The backend's response has a malformed chunk size line.") : size;
    }
}
