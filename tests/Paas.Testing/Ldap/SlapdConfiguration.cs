namespace Paas.Testing.Ldap;

/// <summary>
/// Writes the <c>slapd.conf</c> (and, for the AD-like flavor, <c>ad.schema</c>) of one test directory into its folder.
/// <code>
/// {root}/
///   slapd.conf      schemas, back_mdb database, ACLs, memberof + refint overlays, TLS files when asked
///   ad.schema       AD attribute and class names (AD-like flavor only)
///   db/             the mdb database (kept across StopAsync/StartAgainAsync)
///   tls/            server.pem, server.key (tls only)
///   ca/ca.pem       the CA that signed server.pem, alone in its folder (tls only)
///   slapd.pid, slapd.args
/// </code>
/// </summary>
internal static class SlapdConfiguration
{
    /// <summary>
    /// A small stand-in for AD's schema, with AD's own OIDs (MS-ADA1/MS-ADSC). Debian's <c>msuser.schema</c> is not used:
    /// it is 4,000 lines, gives <c>sAMAccountName</c> no equality rule (so it cannot be searched) and defines
    /// <c>memberOf</c>, which the memberof overlay defines itself. <c>user</c>, <c>group</c> and <c>container</c> do not
    /// clash with core/cosine/inetorgperson/nis. <c>userAccountControl</c>/<c>groupType</c> are INTEGER with
    /// <c>integerMatch</c>, so slapd's <c>integerBitAndMatch</c> (1.2.840.113556.1.4.803) and <c>integerBitOrMatch</c>
    /// (.804) extensible filters apply to them.
    /// </summary>
    public const string AdSchema = """
        attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
        attributetype ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
        attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
        attributetype ( 1.2.840.113556.1.4.750 NAME 'groupType' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
        objectclass ( 1.2.840.113556.1.5.9 NAME 'user' SUP organizationalPerson STRUCTURAL MAY ( sAMAccountName $ userPrincipalName $ userAccountControl $ displayName $ mail $ givenName ) )
        objectclass ( 1.2.840.113556.1.5.8 NAME 'group' SUP top STRUCTURAL MUST cn MAY ( member $ sAMAccountName $ groupType $ description ) )
        objectclass ( 1.2.840.113556.1.3.23 NAME 'container' SUP top STRUCTURAL MUST cn )

        """;

    public static void Write(string root, SlapdInstallation installation, DirectorySeed seed, string rootPassword, bool tls)
    {
        var ad = seed.Flavor == DirectoryFlavor.ActiveDirectoryLike;
        var schemas = installation.SchemaDirectory;
        if (ad)
        {
            File.WriteAllText(Path.Combine(root, "ad.schema"), AdSchema);
        }

        var tlsLines = tls
            ? $"""
              TLSCACertificateFile {Path.Combine(root, "ca", "ca.pem")}
              TLSCertificateFile {Path.Combine(root, "tls", "server.pem")}
              TLSCertificateKeyFile {Path.Combine(root, "tls", "server.key")}
              """
            : "";
        var conf = $"""
            include {schemas}/core.schema
            include {schemas}/cosine.schema
            include {schemas}/inetorgperson.schema
            include {schemas}/nis.schema
            {(ad ? $"include {Path.Combine(root, "ad.schema")}" : "")}
            pidfile {Path.Combine(root, "slapd.pid")}
            argsfile {Path.Combine(root, "slapd.args")}
            modulepath {installation.ModuleDirectory}
            moduleload back_mdb
            moduleload memberof
            moduleload refint
            {tlsLines}

            database mdb
            suffix "{seed.BaseDn}"
            rootdn "{seed.RootDn}"
            rootpw {rootPassword}
            directory {Path.Combine(root, "db")}
            maxsize 16777216
            index objectClass eq
            index {(ad ? "sAMAccountName,userPrincipalName" : "uid")},mail,member,memberOf eq

            # Users may bind with their own password and change it; nobody reads password hashes.
            access to attrs=userPassword
              by self =w
              by anonymous auth
              by * none
            # The platform's service account and signed-in users read everything; nobody but the rootdn writes.
            access to *
              by dn.exact="{seed.ServiceBindDn}" read
              by users read
              by * none

            overlay memberof
            memberof-group-oc {(ad ? "group" : "groupOfNames")}
            memberof-member-ad member
            memberof-memberof-ad memberOf
            memberof-refint TRUE
            overlay refint
            refint_attributes member

            """;
        File.WriteAllText(Path.Combine(root, "slapd.conf"), conf);
    }
}
