using System.Text;
using Paas.Router.Front;

namespace Paas.Router.Tests.Front;

/// <summary>Finding the end of a chunked body passed through unchanged (RFC 9112 section 7.1).</summary>
public sealed class ChunkedScannerTests
{
    private const string Body = "5;ext=\"a b\"\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Checksum: 42\r\nX-More: 1\r\n\r\n";

    [Fact]
    public void The_end_is_found_after_the_trailers_and_nothing_past_it_is_taken()
    {
        var scanner = default(ChunkedScanner);
        var bytes = Encoding.ASCII.GetBytes(Body + "HTTP/1.1 200 OK\r\n");

        Assert.Equal(Body.Length, scanner.Scan(bytes));
        Assert.True(scanner.IsDone);
        Assert.Equal(16, scanner.DataBytes);
    }

    [Fact]
    public void Split_anywhere_it_is_the_same_body()
    {
        var bytes = Encoding.ASCII.GetBytes(Body);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var scanner = default(ChunkedScanner);
            var first = scanner.Scan(bytes.AsSpan(0, split));
            Assert.Equal(split, first);
            Assert.Equal(split == bytes.Length, scanner.IsDone);
            if (split < bytes.Length)
            {
                Assert.Equal(bytes.Length - split, scanner.Scan(bytes.AsSpan(split)));
                Assert.True(scanner.IsDone);
            }
        }
    }

    [Theory]
    [InlineData("x\r\n")]
    [InlineData("\r\n")]
    [InlineData("5\nhello\r\n0\r\n\r\n")]
    [InlineData("5\r\nhelloX\r\n0\r\n\r\n")]
    [InlineData("0\r\nX: 1\n\r\n")]
    [InlineData("fffffffffffff\r\n")]
    public void A_malformed_body_is_refused(string text)
    {
        var scanner = default(ChunkedScanner);
        Assert.Throws<InvalidDataException>(() => scanner.Scan(Encoding.ASCII.GetBytes(text)));
    }
}
