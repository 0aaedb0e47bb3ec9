using System.DirectoryServices.Protocols;
using System.Net;
using Paas.Testing.Ldap;
using Xunit;

namespace Paas.Ldap.Tests;

public sealed class ActiveDirectoryLikeTests
{
    private const string Enabled = "(!(userAccountControl:1.2.840.113556.1.4.803:=2))";

    [Fact]
    public async Task Users_are_found_by_sAMAccountName_and_userPrincipalName_and_bind_by_dn()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.ActiveDirectoryLike);
        Assert.Equal("dc=corp,dc=example,dc=com", server.BaseDn);
        Assert.Equal("cn=Users,dc=corp,dc=example,dc=com", server.UserBase);
        using var ldap = Ldap.AsService(server);

        var bySam = Assert.Single(Ldap.Search(ldap, server.BaseDn, "(&(objectClass=user)(sAMAccountName=bob))", "userPrincipalName", "displayName", "userAccountControl"));
        Assert.Equal("cn=Bob Brown,cn=Users,dc=corp,dc=example,dc=com", bySam.DistinguishedName);
        Assert.Equal("bob@example.com", Ldap.Values(bySam, "userPrincipalName").Single());
        Assert.Equal("512", Ldap.Values(bySam, "userAccountControl").Single());
        var byUpn = Assert.Single(Ldap.Search(ldap, server.UserBase, "(userPrincipalName=BOB@example.com)"));
        Assert.Equal(bySam.DistinguishedName, byUpn.DistinguishedName);

        foreach (var login in server.Logins)
        {
            var user = Assert.Single(Ldap.Search(ldap, server.UserBase, $"(sAMAccountName={Ldap.Escape(login)})"));
            using var bound = Ldap.Connection(server);
            bound.Bind(new NetworkCredential(user.DistinguishedName, SlapdServer.UserPassword(login)));
        }

        // Unlike AD, slapd binds by DN only: a UPN or DOMAIN\login as the bind name is refused.
        using var upn = Ldap.Connection(server);
        // S.DS.P reports invalidDNSyntax (34) on bind as a DirectoryOperationException with a null Response, not an LdapException.
        var byUpnBind = Assert.Throws<DirectoryOperationException>(() => upn.Bind(new NetworkCredential("bob@example.com", SlapdServer.UserPassword("bob"))));
        Assert.Equal("The distinguished name contains invalid syntax.", byUpnBind.Message);
        Assert.Null(byUpnBind.Response);
        using var netbios = Ldap.Connection(server);
        var byDomainBind = Assert.Throws<DirectoryOperationException>(() => netbios.Bind(new NetworkCredential("bob", SlapdServer.UserPassword("bob"), "CORP")));
        Assert.Equal("The distinguished name contains invalid syntax.", byDomainBind.Message);
    }

    [Fact]
    public async Task The_disabled_bit_filter_excludes_frank()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.ActiveDirectoryLike);
        using var ldap = Ldap.AsService(server);
        var enabled = Ldap.Search(ldap, server.UserBase, $"(&(objectClass=user){Enabled})", "sAMAccountName").Select(e => Ldap.Values(e, "sAMAccountName").Single());
        Assert.Equal(server.Logins.Where(l => l != "frank").Order(), enabled.Order());
        Assert.Empty(Ldap.Search(ldap, server.UserBase, $"(&(sAMAccountName=frank){Enabled})"));
        var disabled = Assert.Single(Ldap.Search(ldap, server.UserBase, "(userAccountControl:1.2.840.113556.1.4.803:=2)", "userAccountControl"));
        Assert.Equal("514", Ldap.Values(disabled, "userAccountControl").Single());

        // slapd still accepts frank's password: only the platform's filter keeps him out, as with AD's own refusal.
        using var frank = Ldap.Connection(server);
        frank.Bind(new NetworkCredential(server.UserDn("frank"), SlapdServer.UserPassword("frank")));
    }

    [Fact]
    public async Task Groups_carry_memberOf_and_nesting_must_be_walked_since_in_chain_matches_nothing()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.ActiveDirectoryLike);
        using var ldap = Ldap.AsService(server);
        var carol = Assert.Single(Ldap.Search(ldap, server.UserBase, "(sAMAccountName=carol)", "memberOf"));
        Assert.Equal(["cn=frontend,ou=Groups,dc=corp,dc=example,dc=com"], Ldap.Values(carol, "memberOf"));
        Assert.Equal(["developers", "frontend"], OpenLdapDirectoryTests.WalkGroups(ldap, server, carol.DistinguishedName).Order());
        var frank = Assert.Single(Ldap.Search(ldap, server.UserBase, "(sAMAccountName=frank)", "memberOf"));
        Assert.Equal([server.GroupDn("developers")], Ldap.Values(frank, "memberOf"));

        // AD's LDAP_MATCHING_RULE_IN_CHAIN: OpenLDAP 2.5 does not know it; the search succeeds and matches nothing,
        // even for a direct member, and a negation of it matches nothing either.
        var inChain = $"(memberOf:1.2.840.113556.1.4.1941:={server.GroupDn("developers")})";
        Assert.Empty(Ldap.Search(ldap, server.UserBase, inChain));
        Assert.Empty(Ldap.Search(ldap, server.UserBase, $"(!{inChain})"));
        Assert.Equal(2, Ldap.Search(ldap, server.UserBase, $"(memberOf={server.GroupDn("developers")})").Count); // bob and frank

        await server.ModifyAsync($"dn: {server.GroupDn("frontend")}\nchangetype: modify\ndelete: member\nmember: {server.UserDn("carol")}\n");
        Assert.Empty(Ldap.Values(Ldap.Search(ldap, server.UserBase, "(sAMAccountName=carol)", "memberOf").Single(), "memberOf"));
    }
}
