namespace Paas.Router.Routing;

/// <summary>
/// An uploaded certificate (<c>paas certs:add NAME CERT.pem KEY.pem</c>) and the domains it is attached to
/// (<c>paas certs:attach NAME DOMAIN</c>). Validate it with <see cref="Tls.CertificateValidator"/> on upload.
/// </summary>
/// <param name="Name">The certificate name.</param>
/// <param name="CertificatePem">PEM: the leaf certificate first, then any intermediates.</param>
/// <param name="KeyPem">PEM private key (PKCS#8, RSA or EC) of the leaf certificate.</param>
/// <param name="Domains">Domains served with this certificate, exact or one-level wildcard (<c>*.example.com</c>).</param>
public sealed record RouteCertificate(string Name, string CertificatePem, string KeyPem, IReadOnlyList<string> Domains);
