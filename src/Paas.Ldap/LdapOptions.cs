namespace Paas.Ldap;

/// <summary>
/// Sign-in through LDAP or Active Directory, bound from the <c>Paas:Ldap</c> configuration section. The directory is
/// off while <see cref="Url"/> is empty. Every filter and attribute has a default chosen by <see cref="Flavor"/>, so
/// a typical set-up needs only the URL, the service bind and the two search bases:
/// <list type="table">
/// <listheader><term>setting</term><description><c>openldap</c> default / <c>active_directory</c> default</description></listheader>
/// <item><term><see cref="UserFilter"/></term><description><c>(&amp;(objectClass=inetOrgPerson)(uid={0}))</c> / <c>(&amp;(objectCategory=person)(objectClass=user)(|(sAMAccountName={0})(userPrincipalName={0})))</c> (disabled, expired and locked-out accounts are refused by one rule at sign-in and refresh, not by the filter)</description></item>
/// <item><term><see cref="UsernameAttribute"/></term><description><c>uid</c> / <c>sAMAccountName</c></description></item>
/// <item><term><see cref="GroupFilter"/></term><description><c>(&amp;(objectClass=groupOfNames)(member={0}))</c> / <c>(&amp;(objectClass=group)(member:1.2.840.113556.1.4.1941:={0}))</c></description></item>
/// <item><term><see cref="NestedGroups"/></term><description><c>true</c> (walked by the platform) / <c>false</c> (the in-chain rule 1.2.840.113556.1.4.1941 makes AD return nested groups itself)</description></item>
/// </list>
/// Environment variables (see <c>PaasEnvironment</c>): <c>PAAS_LDAP_URL</c> (several separated by spaces or commas),
/// <c>PAAS_LDAP_BIND_DN</c>, <c>PAAS_LDAP_BIND_PASSWORD_FILE</c>, <c>PAAS_LDAP_BIND_PASSWORD</c>, <c>PAAS_LDAP_USER_BASE</c>,
/// <c>PAAS_LDAP_USER_FILTER</c>, <c>PAAS_LDAP_GROUP_BASE</c>, <c>PAAS_LDAP_GROUP_FILTER</c>, <c>PAAS_LDAP_ADMIN_GROUP</c>,
/// <c>PAAS_LDAP_FLAVOR</c>, <c>PAAS_LDAP_CA_FILE</c>, <c>PAAS_LDAP_START_TLS</c>, <c>PAAS_LDAP_ALLOW_UNKNOWN_USERS</c>,
/// <c>PAAS_LDAP_REQUIRED_GROUP</c>, <c>PAAS_LDAP_TEAM_PREFIX</c>, <c>PAAS_LDAP_DOMAIN</c>.
/// </summary>
public sealed class LdapOptions
{
    /// <summary>The configuration section, under <c>Paas</c>.</summary>
    public const string Section = "Paas:Ldap";

    /// <summary>
    /// Directory servers, tried in order until one answers: <c>ldap://host[:389]</c> or <c>ldaps://host[:636]</c>
    /// (<c>PAAS_LDAP_URL</c>; several separated by spaces or commas). Empty (the default): no directory sign-in.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>Upgrade <c>ldap://</c> connections with StartTLS (RFC 4513 section 3) before binding (<c>PAAS_LDAP_START_TLS</c>); default false.</summary>
    public bool StartTls { get; set; }

    /// <summary>
    /// A PEM file of the certificate authorities trusted for <c>ldaps://</c> and StartTLS (<c>PAAS_LDAP_CA_FILE</c>);
    /// empty to use the system's trust store. On Linux it is copied alone into a private folder that each connection
    /// trusts (libldap's CA-folder option with a new TLS context), so nothing else beside the file is trusted.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary><c>openldap</c> (default) or <c>active_directory</c>: picks the defaults of the filters and attributes (<c>PAAS_LDAP_FLAVOR</c>).</summary>
    public string Flavor { get; set; } = "openldap";

    /// <summary>The DN the platform binds as to search (<c>PAAS_LDAP_BIND_DN</c>); empty for an anonymous search.</summary>
    public string? BindDn { get; set; }

    /// <summary>The service bind password (<c>PAAS_LDAP_BIND_PASSWORD</c>); prefer <see cref="BindPasswordFile"/>. Never logged.</summary>
    public string? BindPassword { get; set; }

    /// <summary>A file holding the service bind password (<c>PAAS_LDAP_BIND_PASSWORD_FILE</c>), e.g. a mounted Kubernetes Secret; a trailing newline is ignored.</summary>
    public string? BindPasswordFile { get; set; }

    /// <summary>Where users are searched (subtree), e.g. <c>ou=people,dc=example,dc=com</c> (<c>PAAS_LDAP_USER_BASE</c>). Required.</summary>
    public string? UserBase { get; set; }

    /// <summary>
    /// The user search filter with <c>{0}</c> for the login name, escaped per RFC 4515 (<c>PAAS_LDAP_USER_FILTER</c>).
    /// It must match one entry. Default per <see cref="Flavor"/>. Account states (disabled, expired, locked out, password
    /// to change) need no clause here: the platform refuses them itself, at sign-in and at every refresh.
    /// </summary>
    public string? UserFilter { get; set; }

    /// <summary>The attribute whose value becomes the platform username (lower-cased); default <c>uid</c> or <c>sAMAccountName</c>.</summary>
    public string? UsernameAttribute { get; set; }

    /// <summary>The e-mail attribute; default <c>mail</c>.</summary>
    public string EmailAttribute { get; set; } = "mail";

    /// <summary>The display-name attribute; default <c>displayName</c> (falls back to <c>cn</c>).</summary>
    public string DisplayNameAttribute { get; set; } = "displayName";

    /// <summary>Where groups are searched (subtree) (<c>PAAS_LDAP_GROUP_BASE</c>); empty: no teams from the directory.</summary>
    public string? GroupBase { get; set; }

    /// <summary>
    /// The group search filter with <c>{0}</c> for the member's DN, escaped per RFC 4515 (<c>PAAS_LDAP_GROUP_FILTER</c>).
    /// Default per <see cref="Flavor"/>. Set <see cref="GroupMembershipAttribute"/> instead to read a <c>memberOf</c> attribute.
    /// </summary>
    public string? GroupFilter { get; set; }

    /// <summary>
    /// When set (e.g. <c>memberOf</c>), a user's groups are read from this attribute of the user entry (as OpenLDAP's
    /// memberof overlay and AD keep it) instead of searched with <see cref="GroupFilter"/>; default empty.
    /// </summary>
    public string? GroupMembershipAttribute { get; set; }

    /// <summary>The attribute naming a group, which becomes the team name (lower-cased); default <c>cn</c>.</summary>
    public string GroupNameAttribute { get; set; } = "cn";

    /// <summary>Follow groups that are members of groups, up to 10 levels (default per <see cref="Flavor"/>).</summary>
    public bool? NestedGroups { get; set; }

    /// <summary>
    /// The group whose members are platform admins, by name (<c>paas-admins</c>) or DN (<c>PAAS_LDAP_ADMIN_GROUP</c>);
    /// empty: directory users are never platform admins through the directory.
    /// </summary>
    public string? AdminGroup { get; set; }

    /// <summary>
    /// The group (name or DN, like <see cref="AdminGroup"/>) whose members alone may sign in, nested members included
    /// (<c>PAAS_LDAP_REQUIRED_GROUP</c>); empty (the default): any account the user filter finds. It is checked at
    /// sign-in and at every refresh: someone taken out of it loses access at the next refresh. It must be under
    /// <see cref="GroupBase"/> (or reachable through <see cref="GroupMembershipAttribute"/>), where groups are read.
    /// </summary>
    public string? RequiredGroup { get; set; }

    /// <summary>
    /// Only groups whose name starts with this (case-insensitive, e.g. <c>paas-</c>) become teams
    /// (<c>PAAS_LDAP_TEAM_PREFIX</c>); empty (the default): every group under <see cref="GroupBase"/>. The team keeps the
    /// group's whole name. <see cref="AdminGroup"/> and <see cref="RequiredGroup"/> are matched against every group, teams
    /// or not, so AD's built-in groups (<c>Domain Admins</c>, <c>Denied RODC Password Replication Group</c>) can be left out.
    /// </summary>
    public string? TeamPrefix { get; set; }

    /// <summary>
    /// The NetBIOS domain accepted in <c>DOMAIN\login</c> sign-ins with the <c>active_directory</c> flavor
    /// (<c>PAAS_LDAP_DOMAIN</c>, e.g. <c>CORP</c>); default: the first <c>dc=</c> label of <see cref="UserBase"/>,
    /// which is what AD's provisioning proposes. Another domain is refused with its name.
    /// </summary>
    public string? Domain { get; set; }

    /// <summary>
    /// Whether directory users unknown to the platform may sign in, their account made at first sign-in
    /// (<c>PAAS_LDAP_ALLOW_UNKNOWN_USERS</c>); default true. When false, an admin adds them first with <c>paas users:add</c>.
    /// </summary>
    public bool AllowUnknownUsers { get; set; } = true;

    /// <summary>How often a signed-in directory user's account and groups are read again (default 5 minutes); also checked on each token use after that interval.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a user keeps the membership last read while the directory cannot be reached (default 1 hour); after
    /// that, requests answer 503 until the directory is back.
    /// </summary>
    public TimeSpan OutageGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Time limit of each connection attempt and each operation (default 5 seconds).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a directory is configured (<see cref="Url"/> is set).</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>Whether <see cref="Flavor"/> is <c>active_directory</c>.</summary>
    public bool IsActiveDirectory => string.Equals(Flavor, "active_directory", StringComparison.OrdinalIgnoreCase);

    /// <summary>The servers of <see cref="Url"/>, in order.</summary>
    public IReadOnlyList<string> Servers =>
        (Url ?? "").Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The user filter in effect.</summary>
    public string EffectiveUserFilter => NonEmpty(UserFilter) ?? (IsActiveDirectory
        ? "(&(objectCategory=person)(objectClass=user)(|(sAMAccountName={0})(userPrincipalName={0})))"
        : "(&(objectClass=inetOrgPerson)(uid={0}))");

    /// <summary>The username attribute in effect.</summary>
    public string EffectiveUsernameAttribute => NonEmpty(UsernameAttribute) ?? (IsActiveDirectory ? "sAMAccountName" : "uid");

    /// <summary>The group filter in effect.</summary>
    public string EffectiveGroupFilter => NonEmpty(GroupFilter) ?? (IsActiveDirectory
        ? "(&(objectClass=group)(member:1.2.840.113556.1.4.1941:={0}))"
        : "(&(objectClass=groupOfNames)(member={0}))");

    /// <summary>The NetBIOS domain in effect for <c>DOMAIN\login</c>: <see cref="Domain"/>, else the first <c>dc=</c> label of <see cref="UserBase"/> (upper-cased), else null.</summary>
    public string? EffectiveDomain => NonEmpty(Domain)?.Trim() ?? (UserBase ?? "").Split(',')
        .Select(part => part.Split('=', 2))
        .Where(pair => pair.Length == 2 && pair[0].Trim().Equals("dc", StringComparison.OrdinalIgnoreCase))
        .Select(pair => pair[1].Trim().ToUpperInvariant())
        .FirstOrDefault();

    /// <summary>Whether nested groups are walked by the platform.</summary>
    public bool EffectiveNestedGroups => NestedGroups ?? !IsActiveDirectory;

    /// <summary>Reads one entry of <see cref="Servers"/>: an absolute <c>ldap://</c> or <c>ldaps://</c> URL with a host.</summary>
    /// <param name="server">The entry.</param>
    /// <param name="uri">The URL, when valid.</param>
    /// <returns>Whether it is one.</returns>
    public static bool TryParseServer(string server, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(server, UriKind.Absolute, out uri) && uri.Scheme is "ldap" or "ldaps" && !string.IsNullOrEmpty(uri.Host);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
