namespace Paas.Testing.Ldap;

/// <summary>One person the directory is seeded with (see <see cref="DirectorySeed"/>).</summary>
/// <param name="Login">The <c>uid</c> / <c>sAMAccountName</c>.</param>
/// <param name="GivenName">The <c>givenName</c>.</param>
/// <param name="Surname">The <c>sn</c>.</param>
/// <param name="CommonName">The <c>cn</c> (may hold characters a DN must escape, such as a comma).</param>
/// <param name="DisplayName">The <c>displayName</c>.</param>
/// <param name="Disabled">Whether the account is disabled (<c>userAccountControl: 514</c>); only seeded in the AD-like flavor.</param>
internal sealed record SeededPerson(string Login, string GivenName, string Surname, string CommonName, string DisplayName, bool Disabled = false)
{
    /// <summary>The <c>mail</c> and (AD-like) <c>userPrincipalName</c>: <c>login@example.com</c>.</summary>
    public string Mail => $"{Login}@example.com";
}
