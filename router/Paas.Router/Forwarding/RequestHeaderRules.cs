using System.Collections.Frozen;
using Microsoft.Extensions.Primitives;

namespace Paas.Router.Forwarding;

/// <summary>
/// Which of a client's request headers reach the app. Dropped:
/// <list type="bullet">
/// <item>hop-by-hop headers (RFC 9110 section 7.6.1) and those named in <c>Connection</c>; <c>TE: trailers</c> from an
///   HTTP/2 client is put back for gRPC (RFC 9113 section 8.2.2);</item>
/// <item>the ones the router sets itself: <c>Host</c>, <c>Via</c> (the client's is kept, with the router's appended),
///   <c>X-Forwarded-For</c> (likewise), <c>X-Forwarded-Proto</c>, <c>X-Forwarded-Port</c>,
///   <c>X-Request-Id</c>, <c>X-Request-Start</c> (https://devcenter.heroku.com/articles/http-routing#heroku-headers);</item>
/// <item>client claims an app could mistake for the router's: <c>Forwarded</c> (RFC 7239), <c>X-Real-IP</c>,
///   <c>X-Forwarded-Host</c> (Heroku's router sends none: <c>Host</c> is the client's), <c>X-Forwarded-Ssl</c>, and any
///   name with an underscore (<c>X_Forwarded_For</c> reaches CGI-style apps as <c>HTTP_X_FORWARDED_FOR</c>, the same variable as the router's <c>X-Forwarded-For</c>; nginx drops them too);</item>
/// <item>HTTP/2 pseudo-headers (<c>:protocol</c>), which YARP turns into the request line.</item>
/// </list>
/// </summary>
internal static class RequestHeaderRules
{
    private static readonly FrozenSet<string> Dropped = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        "Proxy-Authorization", "Proxy-Authenticate", "HTTP2-Settings", "Host", "Via",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Request-Id", "X-Request-Start",
        "Forwarded", "X-Real-IP", "X-Forwarded-Host", "X-Forwarded-Ssl",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a request header by this name is kept from the app (see the class summary).</summary>
    public static bool IsDropped(string name) =>
        name.Contains('_') || (name.Length > 0 && name[0] == ':') || Dropped.Contains(name);

    /// <summary>
    /// The extra header names listed in a <c>Connection</c> value besides <c>close</c>, <c>keep-alive</c> and
    /// <c>upgrade</c>, or null when there are none (the usual case, without allocating).
    /// </summary>
    public static List<string>? NamedInConnection(StringValues connection)
    {
        List<string>? names = null;
        foreach (var value in connection)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var range in value.AsSpan().Split(','))
            {
                var token = value.AsSpan()[range].Trim();
                if (token.Length == 0
                    || token.Equals("close", StringComparison.OrdinalIgnoreCase)
                    || token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                    || token.Equals("upgrade", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                (names ??= []).Add(token.ToString());
            }
        }

        return names;
    }

    /// <summary>Whether <paramref name="names"/> (from <see cref="NamedInConnection"/>) holds <paramref name="name"/>.</summary>
    public static bool Contains(List<string>? names, string name) =>
        names is not null && names.Exists(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
}
