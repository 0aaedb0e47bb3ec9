using System.DirectoryServices.Protocols;
using System.Net;
using System.Runtime.Versioning;
using Paas.Testing.Ldap;
using Xunit;

namespace Paas.Ldap.Tests;

/// <summary>
/// The Samba AD domain controller fixture, and how System.DirectoryServices.Protocols on Linux (libldap 2.5, GnuTLS)
/// sees a real Active Directory: the rows of tests/Paas.Testing/Ldap/README.md's Samba table.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SambaDomainControllerTests
{
    [Fact]
    public async Task A_seeded_domain_controller_answers_ldaps_with_its_certificate_and_binds_by_dn_upn_and_domain_login()
    {
        await using var server = await SambaDomainController.StartAsync();
        Assert.Equal($"ldaps://{server.Address}", server.LdapsUrl);
        using var ldap = Connect(server.Address, 636, ldaps: true, trust: server);
        ldap.Bind(new NetworkCredential(server.ServiceBindDn, server.ServiceBindPassword));
        var users = Search(ldap, server.UserBase, "(&(objectCategory=person)(objectClass=user)(sAMAccountName=*))", "sAMAccountName");
        var logins = users.Select(u => (string)u.Attributes["sAMAccountName"][0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Superset(new HashSet<string>(["alice", "bob", "carol", "dave", "erin", "frank", "jsmith", "o'brien", "Administrator"], StringComparer.OrdinalIgnoreCase), logins);

        // The in-chain rule finds carol's nested developers group.
        var carolGroups = Search(ldap, server.BaseDn, $"(&(objectClass=group)(member:1.2.840.113556.1.4.1941:={server.UserDn("carol")}))", "cn")
            .Select(g => (string)g.Attributes["cn"][0]);
        Assert.Equal(["developers", "frontend"], carolGroups.Order());

        foreach (var name in new[] { server.UserDn("bob"), "bob@example.com", @"CORP\bob" })
        {
            using var bob = Connect(server.Address, 636, ldaps: true, trust: server);
            bob.Bind(new NetworkCredential(name, SambaDomainController.UserPassword("bob")));
        }
    }

    [Fact]
    public async Task Plain_ldap_binds_are_refused_tls_failures_look_like_a_server_down_and_ad_refusals_carry_a_data_code()
    {
        await using var server = await SambaDomainController.StartAsync();
        var service = new NetworkCredential(server.ServiceBindDn, server.ServiceBindPassword);

        // Samba's default "ldap server require strong auth = yes", as AD's LDAP signing requirement: no code in S.DS.P's exception.
        using (var plain = Connect(server.Address, 389, ldaps: false, trust: null))
        {
            var error = Assert.Throws<DirectoryOperationException>(() => plain.Bind(service));
            Assert.Equal(("Strong authentication is required for this operation.", null), (error.Message, error.Response));
        }

        // An untrusted CA and a certificate that does not name the address fail alike (the platform diagnoses them itself).
        foreach (var (address, trust) in new[] { (server.Address, (SambaDomainController?)null), (server.OtherAddress, server) })
        {
            using var ldaps = Connect(address, 636, ldaps: true, trust: trust);
            var error = Assert.Throws<LdapException>(() => ldaps.Bind(service));
            Assert.Equal((81, "(unknown error code)"), (error.ErrorCode, error.ServerErrorMessage));
            using var startTls = Connect(address, 389, ldaps: false, trust: trust);
            startTls.AuthType = AuthType.Anonymous;
            startTls.Bind();
            Assert.Equal(91, Assert.Throws<LdapException>(() => startTls.SessionOptions.StartTransportLayerSecurity(null)).ErrorCode);
        }

        using (var wrong = Connect(server.Address, 636, ldaps: true, trust: server))
        {
            var error = Assert.Throws<LdapException>(() => wrong.Bind(new NetworkCredential(server.UserDn("bob"), "not-bobs")));
            Assert.Equal(49, error.ErrorCode);
            Assert.Contains("AcceptSecurityContext error, data 52e", error.ServerErrorMessage, StringComparison.Ordinal);
        }

        using var disabled = Connect(server.Address, 636, ldaps: true, trust: server);
        var frank = Assert.Throws<LdapException>(() => disabled.Bind(new NetworkCredential(server.UserDn("frank"), SambaDomainController.UserPassword("frank"))));
        Assert.Contains("data 533", frank.ServerErrorMessage, StringComparison.Ordinal);
    }

    internal static LdapConnection Connect(IPAddress address, int port, bool ldaps, SambaDomainController? trust)
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier(address.ToString(), port), null, AuthType.Basic) { Timeout = TimeSpan.FromSeconds(5) };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        if (trust is not null)
        {
            connection.SessionOptions.TrustedCertificatesDirectory = Path.GetDirectoryName(trust.CaCertificatePath)!;
            connection.SessionOptions.StartNewTlsSessionContext();
        }

        if (ldaps)
        {
            connection.SessionOptions.SecureSocketLayer = true;
        }

        return connection;
    }

    private static List<SearchResultEntry> Search(LdapConnection connection, string baseDn, string filter, params string[] attributes) =>
        [.. ((SearchResponse)connection.SendRequest(new SearchRequest(baseDn, filter, SearchScope.Subtree, attributes))).Entries.Cast<SearchResultEntry>()];
}
