namespace Paas.Client;

/// <summary>An uploaded TLS certificate, as <c>/v2/certs</c> answers (never its private key).</summary>
/// <param name="Name">Its name.</param>
/// <param name="Owner">Who uploaded it.</param>
/// <param name="Subject">The leaf certificate's subject.</param>
/// <param name="Names">The DNS names it covers (subject alternative names).</param>
/// <param name="Fingerprint">SHA-256 of the leaf certificate, hex.</param>
/// <param name="ExpiresAt">End of validity.</param>
/// <param name="CreatedAt">When it was uploaded.</param>
/// <param name="Domains">Domains it is attached to (served for them by SNI).</param>
public sealed record CertificateInfo(
    string Name,
    string Owner,
    string Subject,
    IReadOnlyList<string> Names,
    string Fingerprint,
    DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> Domains);
