using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Paas.Router.Forwarding;

/// <summary>
/// The request headers a Heroku router adds, computed once per request by the pipeline:
/// <c>X-Forwarded-For</c> (client address appended), <c>X-Forwarded-Proto</c>, <c>X-Forwarded-Port</c>,
/// <c>X-Forwarded-Host</c>, <c>X-Request-Id</c>, <c>X-Request-Start</c> (ms since the epoch) and <c>Via</c>.
/// See https://devcenter.heroku.com/articles/http-routing#heroku-headers.
/// </summary>
internal readonly record struct ProxyHeaders(
    string ForwardedFor,
    string Proto,
    string Port,
    string Host,
    string RequestId,
    string RequestStart,
    string Via)
{
    /// <summary>Whether the router sets this request header itself (a client's value is replaced, or merged for <c>Via</c>).</summary>
    /// <param name="name">A request header name.</param>
    /// <returns>True for <c>Host</c>, <c>Via</c> and the <c>X-Forwarded-*</c>, <c>X-Request-*</c> headers above.</returns>
    public static bool IsRouterOwned(string name) =>
        name.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Via, StringComparison.OrdinalIgnoreCase)
        || (name.Length > 9 && name.StartsWith("X-", StringComparison.OrdinalIgnoreCase)
            && (name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase)
                || name.Equals("X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase)
                || name.Equals("X-Forwarded-Port", StringComparison.OrdinalIgnoreCase)
                || name.Equals("X-Forwarded-Host", StringComparison.OrdinalIgnoreCase)
                || name.Equals("X-Request-Id", StringComparison.OrdinalIgnoreCase)
                || name.Equals("X-Request-Start", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The <c>Via</c> to send: the client's, if any, with this router's appended (RFC 9110 section 7.6.3).</summary>
    /// <param name="incoming">The client's <c>Via</c> values.</param>
    /// <returns>The header value.</returns>
    public string ViaAfter(StringValues incoming) =>
        incoming.Count == 0 ? Via : incoming.ToString() + ", " + Via;
}
