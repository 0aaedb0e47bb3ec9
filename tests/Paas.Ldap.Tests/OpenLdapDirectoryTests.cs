using System.DirectoryServices.Protocols;
using System.Net;
using Paas.Testing.Ldap;
using Xunit;

namespace Paas.Ldap.Tests;

public sealed class OpenLdapDirectoryTests
{
    [Fact]
    public async Task Service_account_binds_and_reads_every_seeded_user_and_group()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        Assert.Matches(@"^ldap://127\.0\.0\.1:\d+$", server.Url);
        Assert.NotEqual($"cn=admin,{server.BaseDn}", server.ServiceBindDn);

        using var ldap = Ldap.AsService(server);
        var users = Ldap.Search(ldap, server.UserBase, "(objectClass=inetOrgPerson)", "uid", "cn", "displayName", "mail", "userPassword");
        Assert.Equal(server.Logins.Order(), users.Select(u => Ldap.Values(u, "uid").Single()).Order());
        Assert.All(users, u => Assert.Empty(Ldap.Values(u, "userPassword")));
        var alice = users.Single(u => Ldap.Values(u, "uid").Single() == "alice");
        Assert.Equal("alice@example.com", Ldap.Values(alice, "mail").Single());
        Assert.Equal("Alice Anderson", Ldap.Values(alice, "displayName").Single());

        var groups = Ldap.Search(ldap, server.GroupBase, "(objectClass=groupOfNames)", "cn");
        Assert.Equal(["developers", "frontend", "ops", "paas-admins", "viewers"], groups.Select(g => Ldap.Values(g, "cn").Single()).Order());
    }

    [Fact]
    public async Task A_user_binds_with_their_password_and_a_wrong_one_is_invalid_credentials_49()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        foreach (var login in server.Logins)
        {
            using var ok = Ldap.Connection(server);
            ok.Bind(new NetworkCredential(server.UserDn(login), SlapdServer.UserPassword(login)));
        }

        using var connection = Ldap.Connection(server);
        var wrong = Assert.Throws<LdapException>(() => connection.Bind(new NetworkCredential(server.UserDn("bob"), "not-bobs-password")));
        Assert.Equal(49, wrong.ErrorCode);
        Assert.Equal("The supplied credential is invalid.", wrong.Message);

        using var unknown = Ldap.Connection(server);
        var nobody = Assert.Throws<LdapException>(() => unknown.Bind(new NetworkCredential($"uid=nobody,{server.UserBase}", "x")));
        Assert.Equal(49, nobody.ErrorCode);

        // A DN with an empty password is an "unauthenticated bind" (RFC 4513 §5.1.2): the provider must refuse empty passwords itself.
        using var empty = Ldap.Connection(server);
        // slapd answers unwillingToPerform (53), which S.DS.P throws as a DirectoryOperationException.
        var unauthenticated = Assert.Throws<DirectoryOperationException>(() => empty.Bind(new NetworkCredential(server.UserDn("bob"), "")));
        Assert.Equal("The server cannot handle directory requests.", unauthenticated.Message);

        await server.SetPasswordAsync(server.UserDn("bob"), "new-password");
        using var changed = Ldap.Connection(server);
        changed.Bind(new NetworkCredential(server.UserDn("bob"), "new-password"));
    }

    [Fact]
    public async Task Search_by_uid_finds_logins_with_filter_and_dn_special_characters_when_escaped()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        using var ldap = Ldap.AsService(server);
        foreach (var login in server.Logins)
        {
            var found = Ldap.Search(ldap, server.UserBase, $"(&(objectClass=inetOrgPerson)(uid={Ldap.Escape(login)}))", "uid");
            Assert.Equal(login, Ldap.Values(Assert.Single(found), "uid").Single());
        }

        // Unescaped, x*y is a wildcard: it would also match xy, x-y, ...
        await server.AddAsync($"dn: uid=xzzy,{server.UserBase}\nobjectClass: inetOrgPerson\nuid: xzzy\ncn: X\nsn: Y\n");
        Assert.Equal(2, Ldap.Search(ldap, server.UserBase, "(uid=x*y)", "uid").Count);

        // slapd returns the DN with the comma hex-escaped, not as it was written.
        var smith = Assert.Single(Ldap.Search(ldap, server.UserBase, "(uid=jsmith)", "cn"));
        Assert.Equal($@"cn=Smith\, John,{server.UserBase}", server.UserDn("jsmith"));
        Assert.Equal($@"cn=Smith\2C John,{server.UserBase}", smith.DistinguishedName);
        Assert.Equal("Smith, John", Ldap.Values(smith, "cn").Single());
    }

    [Fact]
    public async Task MemberOf_is_present_and_follows_removal_but_nesting_must_be_walked()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        using var ldap = Ldap.AsService(server);
        string[] MemberOf(string login) =>
            Ldap.Values(Ldap.Search(ldap, server.UserBase, $"(uid={Ldap.Escape(login)})", "memberOf").Single(), "memberOf");

        Assert.Equal([server.GroupDn("paas-admins")], MemberOf("alice"));
        Assert.Equal([server.GroupDn("developers")], MemberOf("bob"));
        Assert.Equal([server.GroupDn("frontend")], MemberOf("carol"));
        Assert.Equal([server.GroupDn("viewers")], MemberOf("jsmith"));
        Assert.Empty(MemberOf("o'brien"));

        // Nested: carol is only in frontend directly; frontend is a member of developers.
        Assert.Equal(["developers", "frontend"], WalkGroups(ldap, server, server.UserDn("carol")).Order());

        await server.ModifyAsync($"dn: {server.GroupDn("developers")}\nchangetype: modify\ndelete: member\nmember: {server.UserDn("bob")}\n");
        Assert.Empty(MemberOf("bob"));

        // refint: deleting a user removes it from its groups.
        await server.DeleteAsync(server.UserDn("dave"));
        var viewers = Ldap.Search(ldap, server.GroupBase, "(cn=viewers)", "member").Single();
        Assert.Equal([$@"cn=Smith\2C John,{server.UserBase}"], Ldap.Values(viewers, "member")); // written as cn=Smith\, John
    }

    [Fact]
    public async Task The_service_account_cannot_write()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        using var ldap = Ldap.AsService(server);
        var modify = new ModifyRequest(server.GroupDn("paas-admins"), DirectoryAttributeOperation.Add, "member", server.UserDn("bob"));
        var refused = Assert.Throws<DirectoryOperationException>(() => ldap.SendRequest(modify));
        Assert.Equal(ResultCode.InsufficientAccessRights, refused.Response.ResultCode);
    }

    [Fact]
    public async Task A_stopped_directory_is_server_down_81_and_comes_back_with_its_data()
    {
        await using var server = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        await server.SetPasswordAsync(server.UserDn("erin"), "changed-before-stop");
        await server.StopAsync();

        using (var down = Ldap.Connection(server))
        {
            var error = Assert.Throws<LdapException>(() => down.Bind(new NetworkCredential(server.ServiceBindDn, server.ServiceBindPassword)));
            Assert.Equal(81, error.ErrorCode);
            Assert.Equal("The LDAP server is unavailable.", error.Message);
        }

        await server.StartAgainAsync();
        using var up = Ldap.Connection(server);
        up.Bind(new NetworkCredential(server.UserDn("erin"), "changed-before-stop"));
    }

    [Fact]
    public async Task Several_directories_start_in_parallel_each_in_about_a_second()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var servers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SlapdServer.StartAsync(DirectoryFlavor.OpenLdap)));
        try
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(8), $"4 directories took {started.Elapsed}");
            Assert.Equal(4, servers.Select(s => s.Url).Distinct().Count());
            foreach (var server in servers)
            {
                using var ldap = Ldap.AsService(server);
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Every group the entry is in, directly or through groups, by following memberOf upwards (what the provider must do against OpenLDAP).</summary>
    internal static HashSet<string> WalkGroups(LdapConnection ldap, SlapdServer server, string dn)
    {
        var names = new HashSet<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<string>([dn]);
        while (pending.TryDequeue(out var current))
        {
            var entry = ((SearchResponse)ldap.SendRequest(new SearchRequest(current, "(objectClass=*)", SearchScope.Base, "memberOf", "cn"))).Entries[0];
            if (current != dn)
            {
                names.Add(Ldap.Values(entry, "cn").Single());
            }

            foreach (var group in Ldap.Values(entry, "memberOf").Where(seen.Add))
            {
                pending.Enqueue(group);
            }
        }

        return names;
    }
}
