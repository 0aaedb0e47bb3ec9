namespace Paas.Testing.Ldap;

/// <summary>The shape of the directory a <see cref="SlapdServer"/> is seeded with.</summary>
public enum DirectoryFlavor
{
    /// <summary>
    /// A plain OpenLDAP directory under <c>dc=example,dc=com</c>: <c>inetOrgPerson</c> users named by <c>uid</c> under
    /// <c>ou=people</c>, <c>groupOfNames</c> groups under <c>ou=groups</c>, <c>memberOf</c> kept by the memberof overlay.
    /// </summary>
    OpenLdap,

    /// <summary>
    /// The same people and groups shaped like Active Directory under <c>dc=corp,dc=example,dc=com</c>: <c>user</c> entries
    /// named by their full name under <c>cn=Users</c> with <c>sAMAccountName</c>, <c>userPrincipalName</c> and
    /// <c>userAccountControl</c>; <c>group</c> entries under <c>ou=Groups</c>; plus the disabled account <c>frank</c>.
    /// </summary>
    ActiveDirectoryLike,

    /// <summary>
    /// A real Active Directory: a Samba 4 domain controller (<see cref="SambaDomainController"/>) for the realm
    /// <c>CORP.EXAMPLE.COM</c> (NetBIOS domain <c>CORP</c>), the same people and groups as <see cref="ActiveDirectoryLike"/>.
    /// </summary>
    ActiveDirectory,
}
