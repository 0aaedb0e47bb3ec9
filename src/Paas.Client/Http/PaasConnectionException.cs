namespace Paas.Client;

/// <summary>
/// The platform could not be reached at all (connection refused, unknown host, TLS failure, time-out):
/// no HTTP answer was received. The message names the URL and suggests checking that <c>paasd</c> runs.
/// </summary>
public sealed class PaasConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="baseUrl">The platform URL that could not be reached.</param>
    /// <param name="reason">Why, in a few words (usually the inner exception's message).</param>
    /// <param name="innerException">The transport failure.</param>
    public PaasConnectionException(Uri baseUrl, string reason, Exception? innerException)
        : base($"cannot reach the platform at {baseUrl.GetLeftPart(UriPartial.Authority)}: {reason.TrimEnd('.')}. Is paasd running?", innerException)
    {
        BaseUrl = baseUrl;
    }

    /// <summary>The platform URL that could not be reached.</summary>
    public Uri BaseUrl { get; }
}
