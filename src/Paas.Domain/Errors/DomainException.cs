namespace Paas.Domain;

/// <summary>
/// A request broke one of the platform's rules (a bad name, a rollback to a release without a build...).
/// The message says what was wrong and what to do; the API answers it as a 4xx problem with
/// <see cref="Kind"/> choosing the status.
/// </summary>
public sealed class DomainException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What kind of rule was broken.</param>
    /// <param name="message">One sentence a person can act on.</param>
    public DomainException(DomainErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>What kind of rule was broken.</summary>
    public DomainErrorKind Kind { get; }
}
