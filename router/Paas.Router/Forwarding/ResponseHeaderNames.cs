using System.Text;
using Microsoft.Net.Http.Headers;

namespace Paas.Router.Forwarding;

/// <summary>
/// The response header names backends send most, as shared strings: copying a response head then allocates no
/// string for them. Others are decoded as Latin-1 (RFC 9110 section 5.5).
/// </summary>
internal static class ResponseHeaderNames
{
    private static readonly string[] Known =
    [
        HeaderNames.ContentType, HeaderNames.ContentLength, HeaderNames.Date, HeaderNames.Server, HeaderNames.Connection,
        HeaderNames.TransferEncoding, HeaderNames.KeepAlive, HeaderNames.CacheControl, HeaderNames.SetCookie, HeaderNames.ETag,
        HeaderNames.LastModified, HeaderNames.Location, HeaderNames.Vary, HeaderNames.ContentEncoding, HeaderNames.Expires,
        HeaderNames.AcceptRanges, HeaderNames.AccessControlAllowOrigin, HeaderNames.StrictTransportSecurity, HeaderNames.Pragma,
        HeaderNames.ContentDisposition, HeaderNames.ContentLanguage, HeaderNames.Upgrade, HeaderNames.Trailer, HeaderNames.Age,
        "X-Powered-By", HeaderNames.XContentTypeOptions, HeaderNames.XFrameOptions, HeaderNames.ContentSecurityPolicy,
        HeaderNames.ProxyConnection, HeaderNames.Link, HeaderNames.WWWAuthenticate, HeaderNames.RetryAfter,
    ];

    private static readonly byte[][] KnownBytes = Array.ConvertAll(Known, Encoding.ASCII.GetBytes);

    public static string Get(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < KnownBytes.Length; i++)
        {
            var known = KnownBytes[i];
            if (known.Length == name.Length && Ascii.EqualsIgnoreCase(name, known))
            {
                return Known[i];
            }
        }

        return Encoding.Latin1.GetString(name);
    }
}
