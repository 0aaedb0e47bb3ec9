namespace Paas.Router.Logging;

/// <summary>
/// Receives one Heroku-style router line per request, for the app's log stream (shown as <c>paas[router]</c>
/// by <c>paas logs</c>). The platform implements it to append to the app's logs; the default writes to
/// <c>ILogger</c>. Called on the request path: implementations must be fast and must not throw.
/// </summary>
public interface IRouterLogSink
{
    /// <summary>Writes one line.</summary>
    /// <param name="app">The app the request was routed to.</param>
    /// <param name="line">For example <c>at=info method=GET path="/" host=app.example.com request_id=... fwd="10.0.0.1"
    /// dyno=web.1 connect=0ms service=12ms status=200 bytes=1043 protocol=https</c>, or with
    /// <c>at=error code=H12 desc="Request timeout"</c> in front for failures
    /// (codes as in https://devcenter.heroku.com/articles/error-codes).</param>
    void Write(string app, string line);

    /// <summary>
    /// Whether lines for <paramref name="app"/> are wanted at all; when false the router does not build them.
    /// Defaults to true.
    /// </summary>
    /// <param name="app">The app the request was routed to.</param>
    /// <returns>True to receive lines.</returns>
    bool IsEnabled(string app) => true;
}
