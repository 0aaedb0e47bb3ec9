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
    string Via);
