using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Paas.Router.Tls;

/// <summary>Turns PEM text into what <see cref="SslStream"/> serves: the leaf with its key, plus intermediates.</summary>
internal static class PemCertificates
{
    /// <summary>Builds a reusable certificate context (parsed once per route table, not per handshake).</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">When the PEM does not parse or the key does not match.</exception>
    public static SslStreamCertificateContext CreateContext(string certificatePem, string keyPem)
    {
        var leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        var all = new X509Certificate2Collection();
        all.ImportFromPem(certificatePem);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (!certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
            {
                intermediates.Add(certificate);
            }
        }

        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }
}
