namespace Paas.Router.Tls;

/// <summary>What <see cref="CertificateValidator.Validate"/> found in an uploaded certificate and key.</summary>
/// <param name="Problems">Sentences a person can act on; empty when the pair can be served.</param>
/// <param name="Names">The DNS names the certificate covers (subject alternative names, else the subject CN).</param>
/// <param name="Subject">The leaf certificate's subject, or empty when it did not parse.</param>
/// <param name="Issuer">The leaf certificate's issuer, or empty when it did not parse.</param>
/// <param name="NotBefore">Start of validity (UTC), or null when it did not parse.</param>
/// <param name="NotAfter">End of validity (UTC), or null when it did not parse.</param>
/// <param name="Fingerprint">SHA-256 of the leaf certificate, upper-case hex, or empty when it did not parse.</param>
/// <param name="SelfSigned">Whether the leaf certificate's issuer is its subject.</param>
public sealed record CertificateValidationResult(
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Names,
    string Subject,
    string Issuer,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    string Fingerprint,
    bool SelfSigned)
{
    /// <summary>True when there are no problems.</summary>
    public bool IsValid => Problems.Count == 0;
}
