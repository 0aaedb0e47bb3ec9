namespace Paas.Router.Forwarding;

/// <summary>The expected ways a forward can fail; each maps to a status and a Heroku router error code.</summary>
internal enum ForwarderError
{
    /// <summary>The response was forwarded completely.</summary>
    None,

    /// <summary>The endpoint refused the connection (or it failed before any byte was sent): safe to retry elsewhere.</summary>
    ConnectRefused,

    /// <summary>No connection within the connect timeout (H19).</summary>
    ConnectTimeout,

    /// <summary>No response headers within the first-byte timeout after the request was sent (H12).</summary>
    FirstByteTimeout,

    /// <summary>The backend closed or reset the connection before sending response headers (H13).</summary>
    BackendClosed,

    /// <summary>The backend stopped sending in the middle of the response body (H13 or H15 on idle); the client connection is aborted.</summary>
    ResponseBodyFailed,

    /// <summary>A body or an upgraded stream was silent longer than the idle timeout (H15).</summary>
    IdleTimeout,

    /// <summary>The client went away or failed while sending its request body (H18 / H27).</summary>
    ClientAborted,
}
