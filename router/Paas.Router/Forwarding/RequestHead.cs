using System.Buffers;
using System.Text;

namespace Paas.Router.Forwarding;

/// <summary>
/// The bytes of one HTTP/1.1 request head (and, when it is already here and small, its body) as they go to the
/// backend, in a buffer rented from <see cref="ArrayPool{T}"/>; grows as needed. Kept until the response head
/// arrived, so a request on a connection that turned out stale can be sent again.
/// </summary>
internal sealed class RequestHead : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, Length);

    /// <summary>Space left before the buffer would have to grow.</summary>
    public int Free => _buffer.Length - Length;

    /// <summary>Empties the buffer for reuse.</summary>
    public void Reset() => Length = 0;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Writes <paramref name="text"/> as Latin-1 (header values; a character above U+00FF becomes '?').</summary>
    public void Write(string text)
    {
        Reserve(text.Length);
        Length += Encoding.Latin1.GetBytes(text, _buffer.AsSpan(Length));
    }

    /// <summary>Writes <c>name: value CRLF</c>.</summary>
    public void WriteHeader(string name, string value)
    {
        Write(name);
        Write(": "u8);
        Write(value);
        Write("\r\n"u8);
    }

    /// <summary>Writes <c>name: value CRLF</c>, several values joined with <paramref name="separator"/>.</summary>
    public void WriteHeader(string name, Microsoft.Extensions.Primitives.StringValues values, string separator)
    {
        Write(name);
        Write(": "u8);
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                Write(separator);
            }

            Write(values[i] ?? string.Empty);
        }

        Write("\r\n"u8);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Reserve(int count)
    {
        if (_buffer.Length - Length >= count)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + count));
        _buffer.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
