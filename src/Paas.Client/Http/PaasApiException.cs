using System.Net;

namespace Paas.Client;

/// <summary>
/// The platform answered a request with an error status. <see cref="Exception.Message"/> is the
/// problem's <c>detail</c> (RFC 7807) when the answer was a problem document, else a sentence naming
/// the request and the status.
/// </summary>
public sealed class PaasApiException : Exception
{
    /// <summary>Creates the exception for an error answer.</summary>
    /// <param name="statusCode">The HTTP status of the answer.</param>
    /// <param name="problem">The problem document, when the answer held one.</param>
    /// <param name="message">What went wrong, in one sentence a person can act on.</param>
    public PaasApiException(HttpStatusCode statusCode, ApiProblem? problem, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Problem = problem;
    }

    /// <summary>The HTTP status of the answer (e.g. 404 for an unknown app, 401 for a missing or bad token).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The RFC 7807 problem document of the answer, or null when the body was not one.</summary>
    public ApiProblem? Problem { get; }
}
