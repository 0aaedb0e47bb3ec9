using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Paas.Router.Tls;

/// <summary>
/// Checks a certificate and key uploaded with <c>paas certs:add NAME CERT.pem KEY.pem</c> before the controller
/// stores them: both parse as PEM, the key is the certificate's key, the certificate is valid now, and which
/// names it covers. Problems come back as a list (no exception for bad input).
/// </summary>
public static class CertificateValidator
{
    /// <summary>Validates a PEM certificate (leaf first, intermediates after) and its PEM private key.</summary>
    /// <param name="certificatePem">PEM text with one or more <c>CERTIFICATE</c> blocks.</param>
    /// <param name="keyPem">PEM text with the private key (<c>PRIVATE KEY</c>, <c>RSA PRIVATE KEY</c> or <c>EC PRIVATE KEY</c>).</param>
    /// <param name="now">The time to check validity at; defaults to now.</param>
    /// <returns>The findings; <see cref="CertificateValidationResult.IsValid"/> when the pair can be served.</returns>
    public static CertificateValidationResult Validate(string certificatePem, string keyPem, DateTimeOffset? now = null)
    {
        var problems = new List<string>();
        var at = now ?? DateTimeOffset.UtcNow;
        X509Certificate2? leaf = null;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certificatePem ?? string.Empty);
        }
        catch (CryptographicException)
        {
            problems.Add("The certificate is not a PEM certificate (expected a '-----BEGIN CERTIFICATE-----' block).");
        }

        var keyInfo = ReadPublicKey(keyPem ?? string.Empty, problems);
        if (leaf is null)
        {
            return new CertificateValidationResult(problems, [], string.Empty, string.Empty, null, null, string.Empty, false);
        }

        using (leaf)
        {
            if (keyInfo is not null && !keyInfo.AsSpan().SequenceEqual(leaf.PublicKey.ExportSubjectPublicKeyInfo()))
            {
                problems.Add("The private key does not match the certificate: upload the key the certificate was issued for.");
            }

            var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
            var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
            if (at > notAfter)
            {
                problems.Add($"The certificate expired on {notAfter:yyyy-MM-dd HH:mm} UTC: renew it and upload the new one.");
            }
            else if (at < notBefore)
            {
                problems.Add($"The certificate is not valid before {notBefore:yyyy-MM-dd HH:mm} UTC.");
            }

            var names = Names(leaf);
            if (names.Count == 0)
            {
                problems.Add("The certificate names no DNS name (no subject alternative name and no CN).");
            }

            return new CertificateValidationResult(
                problems,
                names,
                leaf.Subject,
                leaf.Issuer,
                notBefore,
                notAfter,
                Convert.ToHexString(leaf.GetCertHash(HashAlgorithmName.SHA256)),
                leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData));
        }
    }

    private static byte[]? ReadPublicKey(string keyPem, List<string> problems)
    {
        var label = PemEncoding.TryFind(keyPem, out var fields) ? keyPem[fields.Label] : null;
        AsymmetricAlgorithm? key = label switch
        {
            "RSA PRIVATE KEY" => RSA.Create(),
            "EC PRIVATE KEY" => ECDsa.Create(),
            "PRIVATE KEY" => TryPkcs8(keyPem),
            _ => null,
        };
        if (key is null)
        {
            problems.Add(label is null || label.Contains("ENCRYPTED", StringComparison.Ordinal)
                ? "The key is not an unencrypted PEM private key (expected '-----BEGIN PRIVATE KEY-----')."
                : $"The key type '{label}' is not supported: use an RSA or EC key.");
            return null;
        }

        using (key)
        {
            try
            {
                key.ImportFromPem(keyPem);
                return key.ExportSubjectPublicKeyInfo();
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                problems.Add("The private key could not be read: " + e.Message);
                return null;
            }
        }
    }

    private static AsymmetricAlgorithm? TryPkcs8(string keyPem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(keyPem);
            return rsa;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
        }

        return ECDsa.Create();
    }

    private static List<string> Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
            }
        }

        if (names.Count == 0)
        {
            var cn = certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false);
            if (!string.IsNullOrEmpty(cn))
            {
                names.Add(cn);
            }
        }

        return names;
    }
}
