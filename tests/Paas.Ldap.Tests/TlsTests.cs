using System.DirectoryServices.Protocols;
using System.Net;
using System.Runtime.Versioning;
using Paas.Testing.Ldap;
using Xunit;

namespace Paas.Ldap.Tests;

/// <summary>
/// How a System.DirectoryServices.Protocols client on Linux (libldap 2.5 with GnuTLS) trusts a private CA: put the CA's
/// PEM in a folder, set <see cref="LdapSessionOptions.TrustedCertificatesDirectory"/> to it and then call
/// <see cref="LdapSessionOptions.StartNewTlsSessionContext"/> (without it the option is ignored).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TlsTests
{
    [Fact]
    public async Task Ldaps_binds_with_the_ca_trusted_through_a_certificates_directory()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap, tls: true);
        Assert.Matches(@"^ldaps://127\.0\.0\.1:\d+$", server.LdapsUrl);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(server.CaCertificatePath!));

        using var connection = Ldaps(server);
        Trust(connection, server);
        connection.Bind(new NetworkCredential(server.ServiceBindDn, server.ServiceBindPassword));
        Assert.Single(Ldap.Search(connection, server.UserBase, "(uid=bob)"));
    }

    [Fact]
    public async Task StartTls_works_once_connected_so_bind_anonymously_first()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.ActiveDirectoryLike, tls: true);
        using var connection = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", server.Port), null, AuthType.Anonymous);
        connection.SessionOptions.ProtocolVersion = 3;
        Trust(connection, server);
        connection.Bind(); // S.DS.P on Linux connects on the first bind; an anonymous one sends no secret in clear
        connection.SessionOptions.StartTransportLayerSecurity(null);
        connection.AuthType = AuthType.Basic;
        connection.Bind(new NetworkCredential(server.UserDn("bob"), SlapdServer.UserPassword("bob")));
        Assert.Single(Ldap.Search(connection, server.UserBase, "(sAMAccountName=bob)"));

        // Before any bind the handle has no connection yet: StartTLS then fails as if the server were down.
        using var early = Ldap.Connection(server);
        Trust(early, server);
        var error = Assert.Throws<LdapException>(() => early.SessionOptions.StartTransportLayerSecurity(null));
        Assert.Equal(81, error.ErrorCode);
    }

    [Fact]
    public async Task An_untrusted_ca_fails_ldaps_as_server_down_81_and_StartTls_as_connect_error_91()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap, tls: true);
        var credential = new NetworkCredential(server.ServiceBindDn, server.ServiceBindPassword);

        // ldaps: the same code and message as a stopped server; only ServerErrorMessage tells them apart.
        using (var untrusted = Ldaps(server))
        {
            var error = Assert.Throws<LdapException>(() => untrusted.Bind(credential));
            Assert.Equal((81, "The LDAP server is unavailable.", "(unknown error code)"), (error.ErrorCode, error.Message, error.ServerErrorMessage));
        }

        // The directory alone is not enough without a new TLS context, and the verification callback does not exist on Linux:
        // setting it throws (libldap has no such option; S.DS.P reports the failed ldap_set_option as 81).
        using (var noNewContext = Ldaps(server))
        {
            noNewContext.SessionOptions.TrustedCertificatesDirectory = Path.GetDirectoryName(server.CaCertificatePath)!;
            Assert.Equal(81, Assert.Throws<LdapException>(() => noNewContext.Bind(credential)).ErrorCode);
        }

        using (var callback = Ldaps(server))
        {
            var error = Assert.Throws<LdapException>(() => callback.SessionOptions.VerifyServerCertificate = (_, _) => true);
            Assert.Equal((81, "The LDAP server is unavailable."), (error.ErrorCode, error.Message));
        }

        // StartTLS on an open connection: 91 connectError.
        using (var startTls = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", server.Port), null, AuthType.Anonymous))
        {
            startTls.SessionOptions.ProtocolVersion = 3;
            startTls.Bind();
            var error = Assert.Throws<LdapException>(() => startTls.SessionOptions.StartTransportLayerSecurity(null));
            Assert.Equal((91, "The connection cannot be established. "), (error.ErrorCode, error.Message));
        }

        await server.StopAsync();
        using var down = Ldaps(server);
        Trust(down, server);
        var downError = Assert.Throws<LdapException>(() => down.Bind(credential));
        Assert.Equal((81, "The LDAP server is unavailable.", ""), (downError.ErrorCode, downError.Message, downError.ServerErrorMessage ?? ""));
    }

    private static LdapConnection Ldaps(SlapdServer server)
    {
        var connection = Ldap.Connection(server, new Uri(server.LdapsUrl!).Port);
        connection.SessionOptions.SecureSocketLayer = true;
        return connection;
    }

    private static void Trust(LdapConnection connection, SlapdServer server)
    {
        connection.SessionOptions.TrustedCertificatesDirectory = Path.GetDirectoryName(server.CaCertificatePath)!;
        connection.SessionOptions.StartNewTlsSessionContext();
    }
}
