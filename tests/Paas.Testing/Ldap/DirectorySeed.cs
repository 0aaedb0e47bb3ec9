using System.Text;

namespace Paas.Testing.Ldap;

/// <summary>
/// The names and entries a <see cref="SlapdServer"/> is seeded with, per <see cref="DirectoryFlavor"/>. The content is
/// listed in the docs of <see cref="SlapdServer"/>; this class turns it into DNs and one LDIF document (groups in an
/// order where every member exists before the group naming it, so the memberof overlay can stamp <c>memberOf</c>).
/// </summary>
internal sealed class DirectorySeed
{
    public const string AdminGroup = "paas-admins";

    private static readonly SeededPerson[] People =
    [
        new("alice", "Alice", "Anderson", "Alice Anderson", "Alice Anderson"),
        new("bob", "Bob", "Brown", "Bob Brown", "Bob Brown"),
        new("carol", "Carol", "Clark", "Carol Clark", "Carol Clark"),
        new("dave", "Dave", "Davis", "Dave Davis", "Dave Davis"),
        new("erin", "Erin", "Evans", "Erin Evans", "Erin Evans"),
        new("o'brien", "Pat", "O'Brien", "Pat O'Brien", "Pat O'Brien"),
        new("x*y", "Xena", "Yu (x*y)", "Xena Yu", "Xena Yu"),
        new("jsmith", "John", "Smith", "Smith, John", "John Smith"),
    ];

    private static readonly SeededPerson Frank = new("frank", "Frank", "Fisher", "Frank Fisher", "Frank Fisher", Disabled: true);

    // Members first: frontend before developers, which names it.
    private static readonly (string Name, string[] Users, string[] Groups)[] Groups =
    [
        (AdminGroup, ["alice"], []),
        ("frontend", ["carol"], []),
        ("developers", ["bob"], ["frontend"]),
        ("viewers", ["dave", "jsmith"], []),
        ("ops", ["erin"], []),
    ];

    private DirectorySeed(DirectoryFlavor flavor)
    {
        Flavor = flavor;
        var ad = flavor == DirectoryFlavor.ActiveDirectoryLike;
        BaseDn = ad ? "dc=corp,dc=example,dc=com" : "dc=example,dc=com";
        UserBase = ad ? $"cn=Users,{BaseDn}" : $"ou=people,{BaseDn}";
        GroupBase = ad ? $"ou=Groups,{BaseDn}" : $"ou=groups,{BaseDn}";
        ServiceBase = ad ? $"ou=Service Accounts,{BaseDn}" : $"ou=services,{BaseDn}";
        ServiceBindDn = $"cn=paas-service,{ServiceBase}";
        RootDn = $"cn=admin,{BaseDn}";
        Persons = ad ? [.. People, Frank] : People;
    }

    public DirectoryFlavor Flavor { get; }

    public string BaseDn { get; }

    public string UserBase { get; }

    public string GroupBase { get; }

    public string ServiceBase { get; }

    public string ServiceBindDn { get; }

    public string RootDn { get; }

    public IReadOnlyList<SeededPerson> Persons { get; }

    private bool Ad => Flavor == DirectoryFlavor.ActiveDirectoryLike;

    public static DirectorySeed For(DirectoryFlavor flavor) => new(flavor);

    public static string PasswordOf(string login) => $"{login}-Secret1";

    public string UserDn(string login)
    {
        var person = Persons.FirstOrDefault(p => p.Login == login)
            ?? throw new ArgumentException($"'{login}' is not a seeded user of the {Flavor} directory", nameof(login));

        // AD names users by their full name; OpenLDAP by uid, except the user whose cn needs escaping.
        var rdn = Ad || person.CommonName.Contains(',') ? DistinguishedName.Rdn("cn", person.CommonName) : DistinguishedName.Rdn("uid", login);
        return $"{rdn},{UserBase}";
    }

    public string GroupDn(string name) => Groups.Any(g => g.Name == name)
        ? $"{DistinguishedName.Rdn("cn", name)},{GroupBase}"
        : throw new ArgumentException($"'{name}' is not a seeded group", nameof(name));

    public string Ldif(string servicePassword)
    {
        var ldif = new StringBuilder();
        var dc = BaseDn.Split(',')[0]["dc=".Length..];
        Entry(ldif, BaseDn, ["objectClass: dcObject", "objectClass: organization", $"dc: {dc}", $"o: {dc}"]);
        Entry(ldif, UserBase, Ad ? ["objectClass: container", "cn: Users"] : ["objectClass: organizationalUnit", "ou: people"]);
        Entry(ldif, GroupBase, ["objectClass: organizationalUnit", $"ou: {(Ad ? "Groups" : "groups")}"]);
        Entry(ldif, ServiceBase, ["objectClass: organizationalUnit", $"ou: {(Ad ? "Service Accounts" : "services")}"]);
        Entry(ldif, ServiceBindDn, Ad
            ? ["objectClass: user", "cn: paas-service", "sn: paas-service", "sAMAccountName: paas-service", "userPrincipalName: paas-service@example.com", "userAccountControl: 66048", $"userPassword: {SshaPassword.Hash(servicePassword)}"]
            : ["objectClass: organizationalRole", "objectClass: simpleSecurityObject", "cn: paas-service", "description: the platform's read-only bind account", $"userPassword: {SshaPassword.Hash(servicePassword)}"]);
        foreach (var person in Persons)
        {
            Entry(ldif, UserDn(person.Login), PersonAttributes(person));
        }

        var frankGroup = Ad ? "developers" : null;
        foreach (var (name, users, groups) in Groups)
        {
            var members = users.Concat(name == frankGroup ? [Frank.Login] : []).Select(u => $"member: {UserDn(u)}")
                .Concat(groups.Select(g => $"member: {GroupDn(g)}"));
            Entry(ldif, GroupDn(name), Ad
                ? ["objectClass: group", $"cn: {name}", $"sAMAccountName: {name}", "groupType: -2147483646", .. members]
                : ["objectClass: groupOfNames", $"cn: {name}", .. members]);
        }

        return ldif.ToString();
    }

    private string[] PersonAttributes(SeededPerson person)
    {
        string[] common =
        [
            $"cn: {person.CommonName}",
            $"sn: {person.Surname}",
            $"givenName: {person.GivenName}",
            $"displayName: {person.DisplayName}",
            $"mail: {person.Mail}",
            $"userPassword: {SshaPassword.Hash(PasswordOf(person.Login))}",
        ];
        return Ad
            ? ["objectClass: user", .. common, $"sAMAccountName: {person.Login}", $"userPrincipalName: {person.Mail}", $"userAccountControl: {(person.Disabled ? 514 : 512)}"]
            : ["objectClass: inetOrgPerson", $"uid: {person.Login}", .. common];
    }

    /// <summary>
    /// The seed as LDIF for a real Active Directory (Samba), added over ldaps as its Administrator under the provisioned
    /// domain: the <c>OU=Groups</c> and <c>OU=Service Accounts</c> units, the service account, the people (without
    /// <c>x*y</c>: AD refuses <c>*</c> in an account name) with their password set through <c>unicodePwd</c> (MS-ADTS
    /// 3.1.1.3.1.5: a quoted UTF-16LE string, over an encrypted connection) and the groups.
    /// </summary>
    public string ActiveDirectoryLdif(string servicePassword)
    {
        var ldif = new StringBuilder();
        Entry(ldif, GroupBase, ["objectClass: organizationalUnit"]);
        Entry(ldif, ServiceBase, ["objectClass: organizationalUnit"]);
        Entry(ldif, ServiceBindDn, ["objectClass: user", "sAMAccountName: paas-service", "userPrincipalName: paas-service@example.com", $"unicodePwd:: {UnicodePwd(servicePassword)}", "userAccountControl: 66048"]);
        foreach (var person in Persons.Where(p => IsActiveDirectoryName(p.Login)))
        {
            Entry(ldif, UserDn(person.Login),
            [
                "objectClass: user",
                $"sAMAccountName: {person.Login}",
                $"userPrincipalName: {person.Mail}",
                $"givenName: {person.GivenName}",
                $"sn: {person.Surname}",
                $"displayName: {person.DisplayName}",
                $"mail: {person.Mail}",
                $"unicodePwd:: {UnicodePwd(PasswordOf(person.Login))}",
                $"userAccountControl: {(person.Disabled ? 514 : 512)}",
            ]);
        }

        foreach (var (name, users, groups) in Groups)
        {
            var members = users.Concat(name == "developers" ? [Frank.Login] : []).Select(u => $"member: {UserDn(u)}")
                .Concat(groups.Select(g => $"member: {GroupDn(g)}"));
            Entry(ldif, GroupDn(name), ["objectClass: group", $"sAMAccountName: {name}", "groupType: -2147483646", .. members]);
        }

        return ldif.ToString();
    }

    /// <summary>Whether AD takes the login as a <c>sAMAccountName</c> (MS-ADTS 3.1.1.5.2.4 forbids <c>"/\[]:;|=,+*?&lt;&gt;</c>).</summary>
    public static bool IsActiveDirectoryName(string login) => login.IndexOfAny(['"', '/', '\\', '[', ']', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>']) < 0;

    /// <summary>The value of AD's <c>unicodePwd</c>: the password in double quotes, UTF-16LE, base64 for LDIF.</summary>
    public static string UnicodePwd(string password) => Convert.ToBase64String(Encoding.Unicode.GetBytes($"\"{password}\""));

    private static void Entry(StringBuilder ldif, string dn, IEnumerable<string> attributes)
    {
        ldif.Append("dn: ").Append(dn).Append('\n');
        foreach (var attribute in attributes)
        {
            ldif.Append(attribute).Append('\n');
        }

        ldif.Append('\n');
    }
}
