using Microsoft.Extensions.Options;
using Xunit;

namespace Paas.Ldap.Tests;

/// <summary>RFC 4515 filter escaping, RFC 4514 DN escaping, and the checks on the directory settings.</summary>
public sealed class LdapEscapingTests
{
    [Theory]
    [InlineData("bob", "bob")]
    [InlineData("*", "\\2a")]
    [InlineData("*)(uid=*", "\\2a\\29\\28uid=\\2a")]
    [InlineData("admin)(|(uid=*", "admin\\29\\28|\\28uid=\\2a")]
    [InlineData("back\\slash", "back\\5cslash")]
    [InlineData("nul\0", "nul\\00")]
    [InlineData("josé", "jos\\c3\\a9")]
    [InlineData("cn=Smith\\, John,ou=people", "cn=Smith\\5c, John,ou=people")]
    public void Filter_values_escape_every_special_character(string raw, string escaped) =>
        Assert.Equal(escaped, LdapEscaping.FilterValue(raw));

    [Theory]
    [InlineData("developers", "developers")]
    [InlineData("Smith, John", "Smith\\, John")]
    [InlineData(" lead", "\\ lead")]
    [InlineData("trail ", "trail\\ ")]
    [InlineData("#hash", "\\#hash")]
    [InlineData("a+b=c;d<e>f\"g\\h", "a\\+b\\=c\\;d\\<e\\>f\\\"g\\\\h")]
    public void Dn_values_escape_every_special_character(string raw, string escaped) =>
        Assert.Equal(escaped, LdapEscaping.DnValue(raw));

    [Fact]
    public void A_template_gets_the_escaped_value_in_every_placeholder() =>
        Assert.Equal("(|(sAMAccountName=a\\2a)(userPrincipalName=a\\2a))", LdapEscaping.Format("(|(sAMAccountName={0})(userPrincipalName={0}))", "a*"));

    [Fact]
    public void Settings_are_checked_and_every_problem_named()
    {
        var result = new LdapOptionsValidator().Validate(null, new LdapOptions
        {
            Url = "ldap://127.0.0.1:389 http://nope",
            Flavor = "novell",
            BindDn = "cn=svc,dc=example,dc=com",
            UserFilter = "(uid=bob)",
            GroupFilter = "(member={0}",
            CaFile = "/no/such/ca.pem",
            RequiredGroup = "paas-users",
        });
        Assert.True(result.Failed);
        var text = string.Join("\n", result.Failures!);
        Assert.Contains("PAAS_LDAP_URL 'http://nope' is not an LDAP URL", text, StringComparison.Ordinal);
        Assert.Contains("PAAS_LDAP_FLAVOR 'novell'", text, StringComparison.Ordinal);
        Assert.Contains("PAAS_LDAP_USER_BASE is empty", text, StringComparison.Ordinal);
        Assert.Contains("PAAS_LDAP_USER_FILTER '(uid=bob)' has no {0}", text, StringComparison.Ordinal);
        Assert.Contains("PAAS_LDAP_GROUP_FILTER '(member={0}' is not a parenthesised LDAP filter", text, StringComparison.Ordinal);
        Assert.Contains("unauthenticated bind", text, StringComparison.Ordinal);
        Assert.Contains("PAAS_LDAP_CA_FILE '/no/such/ca.pem' does not exist", text, StringComparison.Ordinal);
        Assert.Contains("PAAS_LDAP_REQUIRED_GROUP 'paas-users' is set but groups are not read: set PAAS_LDAP_GROUP_BASE", text, StringComparison.Ordinal);
        Assert.Equal(ValidateOptionsResult.Success, new LdapOptionsValidator().Validate(null, new LdapOptions()));
    }

    [Fact]
    public void Flavors_pick_their_defaults()
    {
        var openLdap = new LdapOptions();
        Assert.Equal(("(&(objectClass=inetOrgPerson)(uid={0}))", "uid", true), (openLdap.EffectiveUserFilter, openLdap.EffectiveUsernameAttribute, openLdap.EffectiveNestedGroups));
        var ad = new LdapOptions { Flavor = "active_directory" };
        Assert.Equal("(&(objectCategory=person)(objectClass=user)(|(sAMAccountName={0})(userPrincipalName={0})))", ad.EffectiveUserFilter); // account states are AccountState's
        Assert.Equal(("CORP", "EXAMPLE", null), (new LdapOptions { UserBase = "CN=Users, DC=corp,DC=example,DC=com" }.EffectiveDomain, new LdapOptions { UserBase = "ou=people,dc=example,dc=com" }.EffectiveDomain, new LdapOptions { UserBase = "o=acme" }.EffectiveDomain));
        Assert.Equal("ACME", new LdapOptions { UserBase = "DC=corp,DC=example,DC=com", Domain = "ACME" }.EffectiveDomain);
        Assert.Contains("member:1.2.840.113556.1.4.1941:={0}", ad.EffectiveGroupFilter, StringComparison.Ordinal);
        Assert.Equal(("sAMAccountName", false), (ad.EffectiveUsernameAttribute, ad.EffectiveNestedGroups));
        Assert.Equal(["ldap://a", "ldaps://b:636"], new LdapOptions { Url = "ldap://a, ldaps://b:636" }.Servers);
    }
}
