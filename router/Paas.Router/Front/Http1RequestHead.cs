using System.Buffers;
using System.Text;

namespace Paas.Router.Front;

/// <summary>
/// A request head as the fast path (<see cref="FrontConnection"/>) reads it: strictly, and only the common case.
/// <see cref="Parse"/> accepts an HTTP/1.1 request (RFC 9112 section 3) with an origin-form target, CRLF line ends,
/// one <c>Host</c>, at most one valid <c>Content-Length</c> and no <c>Transfer-Encoding</c>, <c>Upgrade</c>,
/// <c>Expect</c> or headers named in <c>Connection</c>. Anything else is <see cref="ParseResult.Unsupported"/>: not an
/// error, the connection is then handed to Kestrel's HTTP/1.1 server, which answers it by its own rules (a 400 for
/// a malformed head, a 431 for an oversized one, an upgrade, a chunked upload...). Being strict here is what keeps
/// request smuggling out: the fast path never guesses at framing.
/// Offsets are into the span given to <see cref="Parse"/> and valid until that buffer changes.
/// </summary>
internal sealed class Http1RequestHead
{
    private static readonly SearchValues<byte> TokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static readonly SearchValues<byte> HostChars = SearchValues.Create(
        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:[]"u8);

    private HeaderLine[] _lines = new HeaderLine[32];

    /// <summary>What <see cref="Parse"/> found.</summary>
    public enum ParseResult
    {
        /// <summary>The head is not complete yet.</summary>
        NeedMore,

        /// <summary>A complete head the fast path handles.</summary>
        Ok,

        /// <summary>Something the fast path leaves to Kestrel (see the class remarks).</summary>
        Unsupported,
    }

    /// <summary>Bytes of the head, final empty line included.</summary>
    public int HeadLength { get; private set; }

    /// <summary>Length of the request line, CRLF included (it is forwarded as it came).</summary>
    public int RequestLineLength { get; private set; }

    /// <summary>The method: <c>[0, MethodLength)</c>.</summary>
    public int MethodLength { get; private set; }

    /// <summary>Where the request target (origin form: path and query) starts.</summary>
    public int TargetStart { get; private set; }

    public int TargetLength { get; private set; }

    /// <summary>The <c>Host</c> value.</summary>
    public Range Host { get; private set; }

    /// <summary>The <c>Content-Length</c> value, or -1 when there is none.</summary>
    public long ContentLength { get; private set; }

    /// <summary><c>Connection: close</c>: the client wants the connection closed after this exchange.</summary>
    public bool Close { get; private set; }

    /// <summary>The client's <c>X-Forwarded-For</c> value, if it sent exactly one.</summary>
    public Range? ForwardedFor { get; private set; }

    /// <summary>The client's <c>X-Request-Id</c> value, if it sent exactly one.</summary>
    public Range? RequestId { get; private set; }

    /// <summary>The client's <c>Via</c> value, if any.</summary>
    public Range? Via { get; private set; }

    /// <summary>True for <c>HEAD</c> (the response has no body whatever its headers say).</summary>
    public bool IsHead { get; private set; }

    /// <summary>True for the methods RFC 9110 section 9.2.2 calls idempotent (a stale connection may be retried).</summary>
    public bool IsIdempotent { get; private set; }

    /// <summary>Header lines (name and value offsets), those the router replaces or drops marked <see cref="HeaderLine.Forward"/> = false.</summary>
    public ReadOnlySpan<HeaderLine> Lines => _lines.AsSpan(0, Count);

    private int Count { get; set; }

    /// <summary>Parses the head at the start of <paramref name="data"/>; <paramref name="maxHead"/> bytes at most.</summary>
    public ParseResult Parse(ReadOnlySpan<byte> data, int maxHead)
    {
        var end = data.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return data.Length >= maxHead ? ParseResult.Unsupported : ParseResult.NeedMore;
        }

        HeadLength = end + 4;
        if (HeadLength > maxHead)
        {
            return ParseResult.Unsupported;
        }

        Count = 0;
        ContentLength = -1;
        Close = false;
        ForwardedFor = null;
        RequestId = null;
        Via = null;
        Host = default;
        // Lines are split at CRLF; a bare CR or LF left inside a line fails the checks of its part (token, target,
        // field value), so Kestrel decides what such a head is.
        var head = data[..HeadLength];
        var lineEnd = head.IndexOf("\r\n"u8);
        if (!ParseRequestLine(head[..lineEnd]))
        {
            return ParseResult.Unsupported;
        }

        RequestLineLength = lineEnd + 2;
        var position = RequestLineLength;
        var requestIds = 0;
        var forwardedFors = 0;
        var hosts = 0;
        while (position < end + 2)
        {
            var length = head[position..].IndexOf("\r\n"u8);
            var line = head.Slice(position, length);
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].IndexOfAnyExcept(TokenChars) >= 0)
            {
                return ParseResult.Unsupported;
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

            var value = line[valueStart..valueEnd];
            if (!IsFieldValue(value))
            {
                return ParseResult.Unsupported;
            }

            var valueRange = new Range(position + valueStart, position + valueEnd);
            var forward = true;
            switch (Classify(line[..colon]))
            {
                case Kind.Host:
                    if (++hosts > 1 || value.IsEmpty || value.IndexOfAnyExcept(HostChars) >= 0)
                    {
                        return ParseResult.Unsupported;
                    }

                    Host = valueRange;
                    break;
                case Kind.ContentLength:
                    if (ContentLength >= 0 || value.IsEmpty || value.Length > 15 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
                    {
                        return ParseResult.Unsupported;
                    }

                    ContentLength = long.Parse(value, provider: System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case Kind.Unsupported:
                    return ParseResult.Unsupported;
                case Kind.Connection:
                    if (!ParseConnection(value))
                    {
                        return ParseResult.Unsupported;
                    }

                    forward = false;
                    break;
                case Kind.ForwardedFor:
                    forwardedFors++;
                    ForwardedFor = valueRange;
                    forward = false;
                    break;
                case Kind.RequestId:
                    requestIds++;
                    RequestId = valueRange;
                    forward = false;
                    break;
                case Kind.Via:
                    if (Via is not null)
                    {
                        return ParseResult.Unsupported;
                    }

                    Via = valueRange;
                    forward = false;
                    break;
                case Kind.Dropped:
                    forward = false;
                    break;
            }

            if (Count == _lines.Length)
            {
                Array.Resize(ref _lines, _lines.Length * 2);
            }

            _lines[Count++] = new HeaderLine(position, length + 2, forward);
            position += length + 2;
        }

        if (hosts != 1 || forwardedFors > 1)
        {
            return ParseResult.Unsupported;
        }

        if (requestIds > 1)
        {
            RequestId = null;
        }

        return ParseResult.Ok;
    }

    /// <summary>The method as text (for the log line).</summary>
    public string MethodText(ReadOnlySpan<byte> data) => Encoding.ASCII.GetString(data[..MethodLength]);

    // METHOD SP origin-form SP HTTP/1.1
    private bool ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        if (space <= 0 || line[..space].IndexOfAnyExcept(TokenChars) >= 0)
        {
            return false;
        }

        var rest = line[(space + 1)..];
        var second = rest.IndexOf((byte)' ');
        if (second <= 0 || rest[0] != '/' || !rest[(second + 1)..].SequenceEqual("HTTP/1.1"u8))
        {
            return false;
        }

        var target = rest[..second];
        if (target.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0)
        {
            return false;
        }

        MethodLength = space;
        TargetStart = space + 1;
        TargetLength = second;
        var method = line[..space];
        IsHead = method.SequenceEqual("HEAD"u8);
        IsIdempotent = IsHead || method.SequenceEqual("GET"u8) || method.SequenceEqual("OPTIONS"u8) || method.SequenceEqual("PUT"u8)
            || method.SequenceEqual("DELETE"u8) || method.SequenceEqual("TRACE"u8);
        return !method.SequenceEqual("CONNECT"u8);
    }

    // field-value: VCHAR, obs-text, SP and HTAB (RFC 9110 section 5.5); no other control characters.
    private static bool IsFieldValue(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if ((b < 0x20 && b != '\t') || b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    // Connection: only close and keep-alive; anything else (upgrade, named headers) goes to Kestrel.
    private bool ParseConnection(ReadOnlySpan<byte> value)
    {
        foreach (var range in value.Split((byte)','))
        {
            var token = value[range].Trim((byte)' ').Trim((byte)'\t');
            if (Ascii.EqualsIgnoreCase(token, "close"u8))
            {
                Close = true;
            }
            else if (token.Length > 0 && !Ascii.EqualsIgnoreCase(token, "keep-alive"u8))
            {
                return false;
            }
        }

        return true;
    }

    private static Kind Classify(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when Ascii.EqualsIgnoreCase(name, "TE"u8) => Kind.Dropped,
        3 when Ascii.EqualsIgnoreCase(name, "Via"u8) => Kind.Via,
        4 when Ascii.EqualsIgnoreCase(name, "Host"u8) => Kind.Host,
        6 when Ascii.EqualsIgnoreCase(name, "Expect"u8) => Kind.Unsupported,
        7 when Ascii.EqualsIgnoreCase(name, "Upgrade"u8) => Kind.Unsupported,
        7 when Ascii.EqualsIgnoreCase(name, "Trailer"u8) => Kind.Dropped,
        10 when Ascii.EqualsIgnoreCase(name, "Connection"u8) => Kind.Connection,
        10 when Ascii.EqualsIgnoreCase(name, "Keep-Alive"u8) => Kind.Dropped,
        12 when Ascii.EqualsIgnoreCase(name, "X-Request-Id"u8) => Kind.RequestId,
        14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8) => Kind.ContentLength,
        15 when Ascii.EqualsIgnoreCase(name, "X-Forwarded-For"u8) => Kind.ForwardedFor,
        15 when Ascii.EqualsIgnoreCase(name, "X-Request-Start"u8) => Kind.Dropped,
        16 when Ascii.EqualsIgnoreCase(name, "X-Forwarded-Port"u8) || Ascii.EqualsIgnoreCase(name, "X-Forwarded-Host"u8)
            || Ascii.EqualsIgnoreCase(name, "Proxy-Connection"u8) => Kind.Dropped,
        17 when Ascii.EqualsIgnoreCase(name, "X-Forwarded-Proto"u8) => Kind.Dropped,
        17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8) => Kind.Unsupported,
        18 when Ascii.EqualsIgnoreCase(name, "Proxy-Authenticate"u8) => Kind.Dropped,
        19 when Ascii.EqualsIgnoreCase(name, "Proxy-Authorization"u8) => Kind.Dropped,
        _ => Kind.Other,
    };

    private enum Kind
    {
        Other,
        Host,
        ContentLength,
        Connection,
        ForwardedFor,
        RequestId,
        Via,

        /// <summary>Hop-by-hop or router-owned: not forwarded.</summary>
        Dropped,

        /// <summary>The fast path does not handle it.</summary>
        Unsupported,
    }

    /// <summary>One header line: <c>[Start, Start + Length)</c> with its CRLF; forwarded as is unless <see cref="Forward"/> is false.</summary>
    internal readonly record struct HeaderLine(int Start, int Length, bool Forward);
}
