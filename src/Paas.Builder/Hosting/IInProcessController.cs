namespace Paas.Builder;

/// <summary>
/// The controller's API in this very process, when the builder is hosted with the controller (paasd's default): a handler
/// that runs a request through the controller's whole request pipeline (authentication, permission checks, problem details)
/// in memory instead of over a loopback socket. The contract stays the HTTP API; only the transport differs.
/// </summary>
public interface IInProcessController
{
    /// <summary>A handler for the builder's <see cref="HttpClient"/>.</summary>
    /// <returns>The handler; each request it sends is served by the controller's pipeline as if it came from 127.0.0.1.</returns>
    /// <exception cref="InvalidOperationException">The host has not started yet.</exception>
    HttpMessageHandler CreateHandler();
}
