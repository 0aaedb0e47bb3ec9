namespace Paas.Router.Pipeline;

/// <summary>
/// The text of one router line, as Heroku's router writes it
/// (https://devcenter.heroku.com/articles/http-routing#heroku-router-log-format): <c>at=info</c> for a served request,
/// <c>at=error code=H.. desc="..."</c> in front for a failure. One format for both of the router's front ends
/// (<see cref="RouterPipeline"/> and the plain-HTTP fast path).
/// </summary>
internal static class RouterLine
{
    /// <summary>Formats a line; durations in whole milliseconds, <paramref name="bytes"/> of response body.</summary>
    public static string Format(
        RouterFailure failure,
        string method,
        string pathAndQuery,
        ReadOnlySpan<char> host,
        string requestId,
        string fwd,
        string dyno,
        long connectMs,
        long serviceMs,
        int status,
        long bytes,
        string protocol) =>
        failure == RouterFailure.None
            ? $"at=info method={method} path=\"{pathAndQuery}\" host={host} request_id={requestId} fwd=\"{fwd}\" dyno={dyno} connect={connectMs}ms service={Math.Max(serviceMs, 0)}ms status={status} bytes={bytes} protocol={protocol}"
            : $"at=error code={RouterFailures.Code(failure)} desc=\"{RouterFailures.Description(failure)}\" method={method} path=\"{pathAndQuery}\" host={host} request_id={requestId} fwd=\"{fwd}\" dyno={dyno} connect={connectMs}ms service={Math.Max(serviceMs, 0)}ms status={status} bytes={bytes} protocol={protocol}";
}
