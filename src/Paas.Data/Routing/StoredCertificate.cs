namespace Paas.Data;

/// <summary>An uploaded TLS certificate and the domains it is attached to.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name (a DNS-label-like name chosen at upload).</param>
/// <param name="Owner">Username of who uploaded it.</param>
/// <param name="CertificatePem">PEM: the leaf certificate, then intermediates.</param>
/// <param name="KeyPem">The private key, PEM.</param>
/// <param name="Subject">The leaf's subject.</param>
/// <param name="Names">The DNS names it covers.</param>
/// <param name="Fingerprint">SHA-256 of the leaf, hex.</param>
/// <param name="ExpiresAt">End of validity.</param>
/// <param name="CreatedAt">When it was uploaded.</param>
/// <param name="Domains">Domains it is attached to.</param>
public sealed record StoredCertificate(
    string Id,
    string Name,
    string Owner,
    string CertificatePem,
    string KeyPem,
    string Subject,
    IReadOnlyList<string> Names,
    string Fingerprint,
    DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> Domains);
