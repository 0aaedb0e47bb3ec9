using Paas.Router.Forwarding;

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
        _ => "Platform error",
    };

    public static RouterFailure From(ForwarderError error) => error switch
    {
        ForwarderError.None => RouterFailure.None,
        ForwarderError.ConnectRefused => RouterFailure.BackendRefused,
        ForwarderError.ConnectTimeout => RouterFailure.ConnectTimeout,
        ForwarderError.FirstByteTimeout => RouterFailure.RequestTimeout,
        ForwarderError.BackendClosed => RouterFailure.BackendClosed,
        ForwarderError.ResponseBodyFailed => RouterFailure.ResponseInterrupted,
        ForwarderError.IdleTimeout => RouterFailure.IdleTimeout,
        ForwarderError.ClientAborted => RouterFailure.ClientAborted,
        _ => RouterFailure.BackendClosed,
    };
}
