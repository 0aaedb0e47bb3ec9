using System.Text;

namespace Paas.Router.Forwarding;

/// <summary>
/// A parsed HTTP/1.x response head (RFC 9112 sections 4 and 5): version, status and the offsets of each header
/// line in the parsed bytes, plus what the forwarder needs to frame the body and to decide on keep-alive.
/// One instance per <see cref="Http1Forwarder"/> call; the offsets are only valid until the buffer is refilled.
/// </summary>
internal sealed class Http1ResponseHead
{
    private HeaderLine[] _lines = new HeaderLine[32];

    /// <summary>11 for HTTP/1.1, 10 for HTTP/1.0.</summary>
    public int Version { get; private set; }

    public int Status { get; private set; }

    public int Count { get; private set; }

    /// <summary>Bytes of the head, terminating empty line included.</summary>
    public int HeadLength { get; private set; }

    /// <summary>The <c>Content-Length</c> value, or -1.</summary>
    public long ContentLength { get; private set; }

    /// <summary><c>Transfer-Encoding</c> ends with <c>chunked</c>.</summary>
    public bool Chunked { get; private set; }

    /// <summary><c>Connection: close</c>.</summary>
    public bool Close { get; private set; }

    /// <summary><c>Connection: keep-alive</c> (what an HTTP/1.0 backend must say to keep the connection).</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>The <c>Connection</c> header's value when it names other headers (rare), else null.</summary>
    public string? ConnectionValue { get; private set; }

    public ref readonly HeaderLine this[int index] => ref _lines[index];

    /// <summary>
    /// Parses a complete head at the start of <paramref name="data"/>. Returns false when more bytes are needed;
    /// <paramref name="consumed"/> is then 0. Throws <see cref="InvalidDataException"/> when it is not HTTP/1.x.
    /// Lines may end in CRLF or a bare LF (RFC 9112 section 2.2).
    /// </summary>
    public bool TryParse(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        var end = IndexOfHeadEnd(data);
        if (end < 0)
        {
            return false;
        }

        Count = 0;
        ContentLength = -1;
        Chunked = false;
        Close = false;
        KeepAlive = false;
        ConnectionValue = null;
        var position = 0;
        var statusLine = NextLine(data, ref position);
        ParseStatusLine(statusLine);
        while (true)
        {
            var lineStart = position;
            var line = NextLine(data, ref position);
            if (line.IsEmpty)
            {
                break;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[colon - 1] is (byte)' ' or (byte)'\t')
            {
                throw new InvalidDataException("The backend sent a malformed header line.");
            }

            var valueStart = colon + 1;
            var valueEnd = line.Length;
            while (valueStart < valueEnd && line[valueStart] is (byte)' ' or (byte)'\t')
            {
                valueStart++;
            }

            while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t')
            {
                valueEnd--;
            }

            var header = new HeaderLine(lineStart, colon, lineStart + valueStart, valueEnd - valueStart);
            Inspect(line[..colon], line[valueStart..valueEnd]);
            if (Count == _lines.Length)
            {
                Array.Resize(ref _lines, _lines.Length * 2);
            }

            _lines[Count++] = header;
        }

        consumed = position;
        HeadLength = position;
        return true;
    }

    private static int IndexOfHeadEnd(ReadOnlySpan<byte> data)
    {
        var offset = 0;
        while (true)
        {
            var newline = data[offset..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return -1;
            }

            var next = offset + newline + 1;
            if (next < data.Length && data[next] == '\n')
            {
                return next + 1;
            }

            if (next + 1 < data.Length && data[next] == '\r' && data[next + 1] == '\n')
            {
                return next + 2;
            }

            if (next >= data.Length - 1)
            {
                return -1;
            }

            offset = next;
        }
    }

    private static ReadOnlySpan<byte> NextLine(ReadOnlySpan<byte> data, ref int position)
    {
        var rest = data[position..];
        var newline = rest.IndexOf((byte)'\n');
        var line = rest[..newline];
        position += newline + 1;
        return line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
    }

    private void ParseStatusLine(ReadOnlySpan<byte> line)
    {
        // HTTP/1.1 200 OK
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != ' ' || (line.Length > 12 && line[12] != ' '))
        {
            throw new InvalidDataException("The backend did not answer with an HTTP/1.x status line.");
        }

        Version = line[7] switch
        {
            (byte)'1' => 11,
            (byte)'0' => 10,
            _ => throw new InvalidDataException("The backend answered with an unknown HTTP version."),
        };
        var status = 0;
        for (var i = 9; i < 12; i++)
        {
            var digit = line[i] - '0';
            if (digit is < 0 or > 9)
            {
                throw new InvalidDataException("The backend's status code is not a number.");
            }

            status = (status * 10) + digit;
        }

        Status = status < 100 ? throw new InvalidDataException("The backend's status code is below 100.") : status;
    }

    private void Inspect(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        switch (name.Length)
        {
            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                foreach (var range in value.Split((byte)','))
                {
                    var token = value[range].Trim((byte)' ');
                    if (Ascii.EqualsIgnoreCase(token, "close"u8))
                    {
                        Close = true;
                    }
                    else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8))
                    {
                        KeepAlive = true;
                    }
                    else if (token.Length > 0)
                    {
                        ConnectionValue = Encoding.Latin1.GetString(value);
                    }
                }

                break;
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
                    || (ContentLength >= 0 && ContentLength != length))
                {
                    throw new InvalidDataException("The backend sent an invalid Content-Length.");
                }

                ContentLength = length;
                break;
            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                var last = value.LastIndexOf((byte)',');
                Chunked = Ascii.EqualsIgnoreCase(value[(last + 1)..].Trim((byte)' '), "chunked"u8);
                break;
        }
    }

    /// <summary>Where one header line's name and value are in the parsed bytes.</summary>
    internal readonly record struct HeaderLine(int NameStart, int NameLength, int ValueStart, int ValueLength);
}
