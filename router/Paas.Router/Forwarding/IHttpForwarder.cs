using Microsoft.AspNetCore.Http;

namespace Paas.Router.Forwarding;

/// <summary>
/// Sends the current request to one destination and copies the response back (status, headers, streamed
/// body, trailers, or an upgraded connection). This is the one seam a YARP <c>IHttpForwarder</c> could fill
/// once YARP restores here: the pipeline picks the destination, the forwarder only moves bytes.
/// </summary>
internal interface IHttpForwarder
{
    /// <summary>
    /// Forwards the request. Expected failures come back as <see cref="ForwardResult.Error"/>, not exceptions.
    /// When the error is <see cref="ForwarderError.ConnectRefused"/>, nothing was sent or read and the caller may
    /// retry; for every other error the response may have started and the caller must not write to it again
    /// unless <c>HttpResponse.HasStarted</c> is false.
    /// </summary>
    ValueTask<ForwardResult> SendAsync(HttpContext context, ForwardRequest request);
}
