using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Paas.Testing.Ldap;

/// <summary>
/// Makes a throwaway CA and a server certificate it signs for <c>127.0.0.1</c> and <c>localhost</c>, or for the one
/// address given (ECDSA P-256, valid for two days), as PEM files slapd's and Samba's GnuTLS read. Made in-process with <see cref="CertificateRequest"/> rather than by
/// running <c>openssl</c> three times: same files, no extra dependency, a few milliseconds.
/// </summary>
internal static class TestCertificateAuthority
{
    public static void Write(string caFile, string certificateFile, string keyFile) =>
        Write(caFile, certificateFile, keyFile, IPAddress.Loopback, "localhost");

    /// <summary>Writes the CA and a server certificate naming only <paramref name="address"/> (and <paramref name="dnsName"/> when given).</summary>
    public static void Write(string caFile, string certificateFile, string keyFile, IPAddress address, string? dnsName = null)
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Paas test LDAP CA " + Guid.NewGuid().ToString("N")[..8], caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now, now.AddDays(2));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + address, serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(address);
        if (dnsName is not null)
        {
            names.AddDnsName(dnsName);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = request.Create(ca, now, now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(caFile, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(certificateFile, server.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite); // Samba refuses a key others may read
        }
    }
}
