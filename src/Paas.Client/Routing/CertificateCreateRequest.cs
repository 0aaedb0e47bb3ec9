namespace Paas.Client;

/// <summary>
/// Body of <c>POST /v2/certs</c>. The pair is validated on upload: the key must match, the certificate must be
/// valid now, and it must name at least one DNS name.
/// </summary>
/// <param name="Name">A name for it: lower-case letters, digits and dashes (a DNS label, at most 63 characters).</param>
/// <param name="CertificateChain">PEM: the leaf certificate first, then any intermediates.</param>
/// <param name="Key">The leaf's private key, PEM (PKCS#8, RSA or EC).</param>
public sealed record CertificateCreateRequest(string Name, string CertificateChain, string Key);
