using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Paas.Router.Pipeline;

/// <summary>Status, Heroku error code and description of each <see cref="RouterFailure"/> (https://devcenter.heroku.com/articles/error-codes).</summary>
internal static class RouterFailures
{
    public static int Status(RouterFailure failure) => failure switch
    {
        RouterFailure.None => 200,
        RouterFailure.UnknownHost => 404,
        RouterFailure.NoWebProcess or RouterFailure.Maintenance => 503,
        RouterFailure.BackendRefused or RouterFailure.BackendClosed or RouterFailure.ResponseInterrupted => 502,
        RouterFailure.ConnectTimeout or RouterFailure.RequestTimeout or RouterFailure.IdleTimeout => 504,
        RouterFailure.ClientAborted => 499,
        RouterFailure.BadRequest => 400,
        _ => 500,
    };

    public static string Code(RouterFailure failure) => failure switch
    {
        RouterFailure.NoWebProcess => "H14",
        RouterFailure.Maintenance => "H80",
        RouterFailure.BackendRefused => "H10",
        RouterFailure.BackendClosed => "H13",
        RouterFailure.ConnectTimeout => "H19",
        RouterFailure.RequestTimeout => "H12",
        RouterFailure.IdleTimeout => "H15",
        RouterFailure.ResponseInterrupted => "H18",
        RouterFailure.ClientAborted => "H27",
        RouterFailure.BadRequest => "H26",
        _ => "H99",
    };

    public static string Description(RouterFailure failure) => failure switch
    {
        RouterFailure.UnknownHost => "No such app",
        RouterFailure.NoWebProcess => "No web processes running",
        RouterFailure.Maintenance => "Maintenance mode",
        RouterFailure.BackendRefused => "App crashed",
        RouterFailure.BackendClosed => "Connection closed without response",
        RouterFailure.ConnectTimeout => "Backend connection timeout",
        RouterFailure.RequestTimeout => "Request timeout",
        RouterFailure.IdleTimeout => "Idle connection",
        RouterFailure.ResponseInterrupted => "Server Request Interrupted",
        RouterFailure.ClientAborted => "Client Request Interrupted",
        RouterFailure.BadRequest => "Request Error",
        _ => "Platform error",
    };

    /// <summary>
    /// The failure behind YARP's outcome of one attempt (<see cref="IForwarderErrorFeature"/>): a refused connection
    /// (the only one worth another endpoint) -> H10; no connection within the connect timeout -> H19; no response head
    /// within the first-byte timeout -> H12; the process closed or answered garbage before a response -> H13; silence past
    /// the idle timeout on a body or an upgraded connection -> H15; the body cut by the process -> H18; the client gone
    /// -> H27; a malformed request body (found while it streams) -> 400, H26.
    /// </summary>
    /// <param name="error">What YARP's <c>SendAsync</c> returned.</param>
    /// <param name="exception">The exception YARP recorded with it, if any.</param>
    /// <param name="clientAborted">Whether the client connection went away (<c>HttpContext.RequestAborted</c>).</param>
    /// <param name="firstByteExpired">Whether the router's first-byte timer fired.</param>
    public static RouterFailure From(ForwarderError error, Exception? exception, bool clientAborted, bool firstByteExpired) => error switch
    {
        ForwarderError.None => RouterFailure.None,
        // Kestrel reports a chunk size past 2^31 as an IOException around an OverflowException, not as a bad request.
        ForwarderError.RequestBodyClient when Find<BadHttpRequestException>(exception) || Find<OverflowException>(exception) => RouterFailure.BadRequest,
        _ when clientAborted => RouterFailure.ClientAborted,
        ForwarderError.Request or ForwarderError.RequestCreation => FromRequestException(exception),
        ForwarderError.RequestTimedOut => RouterFailure.RequestTimeout,
        ForwarderError.RequestCanceled => firstByteExpired ? RouterFailure.RequestTimeout : RouterFailure.BackendClosed,
        ForwarderError.RequestBodyCanceled => firstByteExpired ? RouterFailure.RequestTimeout : RouterFailure.IdleTimeout,
        ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient => RouterFailure.ClientAborted,
        ForwarderError.RequestBodyDestination or ForwarderError.ResponseHeaders => RouterFailure.BackendClosed,
        ForwarderError.ResponseBodyCanceled or ForwarderError.UpgradeActivityTimeout
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled => RouterFailure.IdleTimeout,
        ForwarderError.ResponseBodyDestination or ForwarderError.UpgradeRequestDestination
            or ForwarderError.UpgradeResponseDestination => Find<OperationCanceledException>(exception) ? RouterFailure.IdleTimeout : RouterFailure.ResponseInterrupted,
        ForwarderError.NoAvailableDestinations => RouterFailure.NoWebProcess,
        _ => RouterFailure.BackendClosed,
    };

    /// <summary>Whether <paramref name="exception"/> or one of its inner exceptions is a <typeparamref name="T"/>.</summary>
    private static bool Find<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(i => i is T)))
            {
                return true;
            }
        }

        return false;
    }

    private static RouterFailure FromRequestException(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TimeoutException:
                    return RouterFailure.ConnectTimeout;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return RouterFailure.BackendRefused;
                case HttpRequestException { HttpRequestError: not HttpRequestError.ConnectionError and not HttpRequestError.Unknown }:
                    return RouterFailure.BackendClosed;
            }
        }

        return RouterFailure.BackendClosed;
    }
}
