using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Paas.Router.Tls;

namespace Paas.Router.Tests.Tls;

public sealed class CertificateValidatorTests
{
    [Fact]
    public void A_matching_current_pair_is_valid_and_lists_its_names()
    {
        var (certificate, key) = PlatformCertificate.CreateSelfSigned("example.com", "www.example.net");

        var result = CertificateValidator.Validate(certificate, key);

        Assert.True(result.IsValid, string.Join(" ", result.Problems));
        Assert.Equal(["*.example.com", "example.com", "www.example.net"], result.Names);
        Assert.True(result.SelfSigned);
        Assert.Equal(64, result.Fingerprint.Length);
    }

    [Fact]
    public void A_key_of_another_certificate_is_a_problem()
    {
        var (certificate, _) = PlatformCertificate.CreateSelfSigned("example.com");
        var (_, otherKey) = PlatformCertificate.CreateSelfSigned("example.com");

        var result = CertificateValidator.Validate(certificate, otherKey);

        Assert.Contains(result.Problems, p => p.Contains("does not match", StringComparison.Ordinal));
    }

    [Fact]
    public void An_expired_rsa_certificate_is_a_problem()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=old.example.com", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddDays(-1));

        var result = CertificateValidator.Validate(certificate.ExportCertificatePem(), rsa.ExportRSAPrivateKeyPem());

        var problem = Assert.Single(result.Problems);
        Assert.Contains("expired", problem, StringComparison.Ordinal);
        Assert.Equal(["old.example.com"], result.Names);
    }

    [Fact]
    public void Garbage_is_reported_as_problems_not_exceptions()
    {
        var result = CertificateValidator.Validate("not a certificate", "not a key");

        Assert.False(result.IsValid);
        Assert.Equal(2, result.Problems.Count);
        Assert.Empty(result.Names);
    }
}
