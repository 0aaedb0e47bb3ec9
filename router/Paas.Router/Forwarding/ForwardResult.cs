namespace Paas.Router.Forwarding;

/// <summary>The outcome of one forward attempt.</summary>
/// <param name="Error">What went wrong, or <see cref="ForwarderError.None"/>.</param>
/// <param name="ConnectMilliseconds">Time spent opening a new connection; not measured yet on the pooled fast path, so 0.</param>
/// <param name="ResponseBytes">Response body bytes sent to the client.</param>
/// <param name="Exception">The underlying exception for diagnostics, if any.</param>
internal readonly record struct ForwardResult(ForwarderError Error, long ConnectMilliseconds, long ResponseBytes, Exception? Exception = null);
