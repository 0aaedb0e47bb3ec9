namespace Paas.Router.Pipeline;

/// <summary>The expected ways a request does not reach an app or does not complete; see <see cref="RouterFailures"/>.</summary>
internal enum RouterFailure
{
    /// <summary>Served normally.</summary>
    None,

    /// <summary>No app for the host: 404.</summary>
    UnknownHost,

    /// <summary>The app has no web process up: 503, H14.</summary>
    NoWebProcess,

    /// <summary>Maintenance mode: 503, H80.</summary>
    Maintenance,

    /// <summary>Every endpoint tried refused the connection: 502, H10.</summary>
    BackendRefused,

    /// <summary>The backend closed the connection without a response: 502, H13.</summary>
    BackendClosed,

    /// <summary>No connection within the connect timeout: 504, H19.</summary>
    ConnectTimeout,

    /// <summary>No response within the first-byte timeout: 504, H12.</summary>
    RequestTimeout,

    /// <summary>No data within the idle timeout: 504 (or the connection is cut), H15.</summary>
    IdleTimeout,

    /// <summary>The backend stopped in the middle of the response body: connection cut, H18.</summary>
    ResponseInterrupted,

    /// <summary>The client's request body was malformed (a bad chunk, say), found while streaming it: 400, H26.</summary>
    BadRequest,

    /// <summary>The client went away: 499, H27.</summary>
    ClientAborted,
}
