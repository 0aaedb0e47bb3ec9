using Xunit;

namespace Paas.Ldap.Tests;

/// <summary>AD's bind refusal codes as <see cref="AccountState.BindRefusal"/> reads them (the account-state rule itself is exercised on Samba in <see cref="ActiveDirectorySignInTests"/>).</summary>
public sealed class AccountStateTests
{
    [Theory]
    [InlineData("80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 701, v1db1", "the account has expired (AD data 701)")]
    [InlineData("80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 775, v4563", "the account is locked out (AD data 775)")]
    [InlineData("80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 773, v1db1", "the password must be changed (AD data 773)")]
    [InlineData("80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1", "wrong password (AD data 52e)")]
    [InlineData("80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 999, v1db1", null)]
    [InlineData("Invalid credentials", null)]
    [InlineData(null, null)]
    public void Ad_bind_refusals_are_read_from_the_data_code(string? diagnostic, string? meaning) =>
        Assert.Equal(meaning, AccountState.BindRefusal(diagnostic));
}
