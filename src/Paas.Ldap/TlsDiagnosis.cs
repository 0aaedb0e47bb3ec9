using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Paas.Ldap;

/// <summary>
/// Tells why a TLS connection to a directory failed. libldap (GnuTLS, through System.DirectoryServices.Protocols) reports
/// an untrusted CA, a certificate that does not name the host and a server that is down alike (81 over ldaps, 91 over
/// StartTLS, no detail: see tests/Paas.Testing/Ldap/README.md), so after such a failure the platform makes one TLS
/// handshake of its own (.NET's <see cref="SslStream"/>; StartTLS is the RFC 4511 section 4.14 extended request) and checks
/// the server's certificate against the same CA (<see cref="LdapOptions.CaFile"/>, or the system's) and the host of the URL.
/// </summary>
internal static class TlsDiagnosis
{
    /// <summary>The StartTLS request: LDAPMessage { messageID 1, extendedReq [APPLICATION 23] { requestName [0] 1.3.6.1.4.1.1466.20037 } }.</summary>
    private static readonly byte[] StartTlsRequest =
        [0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16, .. "1.3.6.1.4.1.1466.20037"u8];

    /// <summary>Why TLS with <paramref name="server"/> fails, as advice naming what to change; null when it cannot tell (the server may be down).</summary>
    /// <param name="server">The ldap:// (with StartTLS) or ldaps:// URL.</param>
    /// <param name="port">The port connected to.</param>
    /// <param name="caFile">The CA file trusted (PAAS_LDAP_CA_FILE), or null for the system's.</param>
    /// <param name="timeout">The limit of the whole check.</param>
    /// <returns>The advice, or null.</returns>
    public static async Task<string?> ExplainAsync(Uri server, int port, string? caFile, TimeSpan timeout)
    {
        X509Certificate2? certificate = null;
        SslPolicyErrors errors = SslPolicyErrors.None;
        try
        {
            using var limit = new CancellationTokenSource(timeout);
            using var client = new TcpClient();
            await client.ConnectAsync(server.Host, port, limit.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            if (server.Scheme == "ldap" && !await StartTlsAsync(stream, limit.Token).ConfigureAwait(false))
            {
                return $"the server at {server} refused StartTLS: use ldaps:// or turn TLS on at the server";
            }

            await using var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, cert, _, policyErrors) =>
            {
                certificate = cert is null ? null : new X509Certificate2(cert);
                errors = policyErrors;
                return false; // this connection is only for the diagnosis
            });
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = server.Host }, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or EndOfStreamException)
        {
            if (certificate is null)
            {
                return null; // down, or no TLS at all: nothing to say about certificates
            }
        }
        catch (AuthenticationException) when (certificate is not null)
        {
            // expected: the callback refused
        }

        if (certificate is null)
        {
            return null;
        }

        using (certificate)
        {
            var problems = new List<string>();
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                problems.Add($"its certificate does not name '{server.Host}' (it names {Names(certificate)}): put a name the certificate holds in PAAS_LDAP_URL, or give the server a certificate for '{server.Host}'");
            }

            if (ChainProblem(certificate, caFile) is { } chain)
            {
                problems.Add(chain);
            }

            return problems.Count == 0 ? null : string.Join("; and ", problems);
        }
    }

    private static async Task<bool> StartTlsAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(StartTlsRequest, cancellationToken).ConfigureAwait(false);
        var header = new byte[2];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var length = (int)header[1];
        if ((length & 0x80) != 0)
        {
            var octets = new byte[length & 0x7f];
            await stream.ReadExactlyAsync(octets, cancellationToken).ConfigureAwait(false);
            length = octets.Aggregate(0, (n, b) => (n << 8) | b);
        }

        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);

        // extendedResp [APPLICATION 24] { resultCode ENUMERATED ... }: the first 0x0a 0x01 after the 0x78 tag.
        var at = Array.IndexOf(body, (byte)0x78);
        var code = at < 0 ? -1 : Array.IndexOf(body, (byte)0x0a, at);
        return code > 0 && code + 2 < body.Length && body[code + 2] == 0;
    }

    private static string? ChainProblem(X509Certificate2 certificate, string? caFile)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!string.IsNullOrWhiteSpace(caFile))
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            try
            {
                chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(caFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                return $"PAAS_LDAP_CA_FILE '{caFile}' cannot be read as PEM certificates ({e.Message})";
            }
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        var statuses = chain.ChainStatus.Select(s => s.Status).ToHashSet();
        if (statuses.Contains(X509ChainStatusFlags.NotTimeValid))
        {
            return $"its certificate ({certificate.Subject}) is not valid now (from {certificate.NotBefore:u} to {certificate.NotAfter:u})";
        }

        return string.IsNullOrWhiteSpace(caFile)
            ? $"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not signed by a CA this machine trusts: set PAAS_LDAP_CA_FILE to the PEM of the CA that signed it"
            : $"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not signed by a CA in PAAS_LDAP_CA_FILE '{caFile}': put the PEM of the CA that signed it there";
    }

    private static string Names(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(e => e.EnumerateDnsNames().Concat(e.EnumerateIPAddresses().Select(a => a.ToString())))
            .ToList();
        return names.Count > 0 ? string.Join(", ", names) : $"only {certificate.Subject}";
    }
}
