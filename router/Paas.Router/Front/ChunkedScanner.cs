namespace Paas.Router.Front;

/// <summary>
/// Finds where a chunked body ends (RFC 9112 section 7.1: chunks, the last chunk, trailer fields, the final CRLF)
/// without decoding it: the fast path passes a chunked response to the client byte for byte, and only needs to know
/// which bytes belong to it. Chunk sizes above 2^40 and bare LFs are malformed.
/// </summary>
internal struct ChunkedScanner
{
    private const long MaxChunkSize = 1L << 40;

    private State _state;
    private long _remaining;
    private int _digits;

    private enum State
    {
        Size,
        Extension,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerStart,
        Trailer,
        TrailerLf,
        FinalLf,
        Done,
    }

    /// <summary>Payload bytes seen so far (chunk data, without sizes, extensions and trailers).</summary>
    public long DataBytes { get; private set; }

    /// <summary>True once the final CRLF was seen.</summary>
    public readonly bool IsDone => _state == State.Done;

    /// <summary>
    /// Scans <paramref name="data"/>, which continues the body; returns how many of its bytes belong to the body
    /// (all of them unless the body ends inside). Throws <see cref="InvalidDataException"/> when it is malformed.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length && _state != State.Done)
        {
            if (_state == State.Data)
            {
                var take = (int)Math.Min(_remaining, data.Length - i);
                i += take;
                _remaining -= take;
                DataBytes += take;
                if (_remaining == 0)
                {
                    _state = State.DataCr;
                }

                continue;
            }

            var b = data[i++];
            switch (_state)
            {
                case State.Size:
                    var digit = HexValue(b);
                    if (digit >= 0)
                    {
                        _remaining = (_remaining * 16) + digit;
                        if (++_digits > 11 || _remaining > MaxChunkSize)
                        {
                            throw new InvalidDataException("The backend sent a chunk size that is too large.");
                        }
                    }
                    else if (_digits > 0 && b is (byte)';' or (byte)' ' or (byte)'\t')
                    {
                        _state = State.Extension;
                    }
                    else if (_digits > 0 && b == '\r')
                    {
                        _state = State.SizeLf;
                    }
                    else
                    {
                        throw new InvalidDataException("The backend sent a malformed chunk size.");
                    }

                    break;
                case State.Extension:
                    if (b == '\r')
                    {
                        _state = State.SizeLf;
                    }
                    else if (b == '\n')
                    {
                        throw new InvalidDataException("The backend sent a bare LF in a chunk header.");
                    }

                    break;
                case State.SizeLf:
                    Expect(b, '\n');
                    _state = _remaining == 0 ? State.TrailerStart : State.Data;
                    break;
                case State.DataCr:
                    Expect(b, '\r');
                    _state = State.DataLf;
                    break;
                case State.DataLf:
                    Expect(b, '\n');
                    _state = State.Size;
                    _digits = 0;
                    _remaining = 0;
                    break;
                case State.TrailerStart:
                    _state = b == '\r' ? State.FinalLf : b == '\n' ? throw new InvalidDataException("The backend sent a bare LF in the trailers.") : State.Trailer;
                    break;
                case State.Trailer:
                    if (b == '\r')
                    {
                        _state = State.TrailerLf;
                    }
                    else if (b == '\n')
                    {
                        throw new InvalidDataException("The backend sent a bare LF in the trailers.");
                    }

                    break;
                case State.TrailerLf:
                    Expect(b, '\n');
                    _state = State.TrailerStart;
                    break;
                case State.FinalLf:
                    Expect(b, '\n');
                    _state = State.Done;
                    break;
            }
        }

        return i;
    }

    private static void Expect(byte actual, char expected)
    {
        if (actual != expected)
        {
            throw new InvalidDataException("The backend sent a malformed chunked body.");
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
