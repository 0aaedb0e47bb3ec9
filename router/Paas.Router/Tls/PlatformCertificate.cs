using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Paas.Router.Logging;

namespace Paas.Router.Tls;

/// <summary>
/// The certificate for <c>*.DOMAIN</c> and <c>DOMAIN</c>, served when no uploaded certificate matches the SNI name.
/// Kept in <c>DATA_DIR/router/tls/platform.crt</c> + <c>platform.key</c> (PEM); made self-signed (ECDSA P-256,
/// 10 years) at first start when those files do not exist. Replace both files with a real certificate and restart.
/// </summary>
internal static class PlatformCertificate
{
    public static SslStreamCertificateContext LoadOrCreate(string dataDirectory, string domain, ILogger logger)
    {
        var folder = Path.Combine(dataDirectory, "router", "tls");
        var certificatePath = Path.Combine(folder, "platform.crt");
        var keyPath = Path.Combine(folder, "platform.key");
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            Directory.CreateDirectory(folder);
            var (certificatePem, keyPem) = CreateSelfSigned(domain);
            WriteAtomically(keyPath, keyPem, secret: true);
            WriteAtomically(certificatePath, certificatePem, secret: false);
            RouterLog.PlatformCertificateCreated(logger, $"*.{domain}, {domain}", folder);
        }

        var context = PemCertificates.CreateContext(File.ReadAllText(certificatePath), File.ReadAllText(keyPath));
        RouterLog.PlatformCertificateLoaded(logger, context.TargetCertificate.Subject, certificatePath, context.TargetCertificate.NotAfter.ToUniversalTime());
        return context;
    }

    public static (string CertificatePem, string KeyPem) CreateSelfSigned(string domain, params string[] extraNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=*.{domain}, O=paas router (self-signed)", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("*." + domain);
        names.AddDnsName(domain);
        foreach (var name in extraNames)
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static void WriteAtomically(string path, string text, bool secret)
    {
        var temporary = path + ".tmp";
        if (secret && !OperatingSystem.IsWindows())
        {
            using var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(stream);
            writer.Write(text);
        }
        else
        {
            File.WriteAllText(temporary, text);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
