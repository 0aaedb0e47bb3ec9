namespace Paas.Registry.Auth;

/// <summary>
/// Thrown by an <see cref="IRegistryCredentialValidator"/> or <see cref="IRegistryAccessPolicy"/> that cannot decide
/// because the authority it asks (the controller, when the registry runs in its own process) does not answer. The
/// registry answers 503 <c>UNAVAILABLE</c> with the message, never 401: the client's credentials may well be valid.
/// </summary>
public sealed class RegistryAuthUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistryAuthUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be reached and what to do, for the client.</param>
    public RegistryAuthUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be reached and what to do, for the client.</param>
    /// <param name="innerException">The failure.</param>
    public RegistryAuthUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
