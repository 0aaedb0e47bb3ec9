using System.DirectoryServices.Protocols;
using System.Net;
using Paas.Testing.Ldap;

namespace Paas.Ldap.Tests;

/// <summary>Small System.DirectoryServices.Protocols helpers, written the way the platform's provider is expected to call it.</summary>
internal static class Ldap
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LdapConnection, SlapdServer> Owners = new();

    /// <summary>
    /// Turns libldap's LDAP_OPT_RESTART (0x09) on for every connection made after this: without it a signal (SIGCHLD from
    /// any child process the test host starts) interrupting poll() makes libldap report LDAP_SERVER_DOWN (81) on a
    /// healthy server. S.DS.P has no option for it; see tests/Paas.Testing/Ldap/README.md.
    /// </summary>
    static Ldap()
    {
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("PAAS_TEST_LDAP_NO_RESTART") != "1")
        {
            var rc = ldap_set_option(IntPtr.Zero, 0x09, new IntPtr(1));
            if (rc != 0)
            {
                throw new InvalidOperationException($"ldap_set_option(NULL, LDAP_OPT_RESTART, ON) returned {rc}");
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libldap-2.5.so.0")]
    private static extern int ldap_set_option(IntPtr ld, int option, IntPtr value);

    /// <summary>An LDAPv3 connection to the server's plain port with simple (Basic) binds and a short timeout; not yet bound.</summary>
    public static LdapConnection Connection(SlapdServer server, int? port = null)
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", port ?? server.Port), null, AuthType.Basic)
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        Owners.AddOrUpdate(connection, server);
        return connection;
    }

    /// <summary>A connection bound as the read-only service account.</summary>
    public static LdapConnection AsService(SlapdServer server)
    {
        var connection = Connection(server);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            connection.Bind(new NetworkCredential(server.ServiceBindDn, server.ServiceBindPassword));
        }
        catch (LdapException e)
        {
            throw new InvalidOperationException($"bind failed after {clock.ElapsedMilliseconds} ms, running={server.IsRunning}, {e.ErrorCode} {e.ServerErrorMessage} port={server.Port} slapd log:\n{server.RecentLog}", e);
        }

        return connection;
    }

    public static List<SearchResultEntry> Search(LdapConnection connection, string baseDn, string filter, params string[] attributes)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SearchResponse response;
        try
        {
            response = (SearchResponse)connection.SendRequest(new SearchRequest(baseDn, filter, SearchScope.Subtree, attributes));
        }
        catch (LdapException e)
        {
            Owners.TryGetValue(connection, out var server);
            throw new InvalidOperationException($"search failed after {clock.ElapsedMilliseconds} ms, {e.ErrorCode} {e.ServerErrorMessage} running={server?.IsRunning} port={server?.Port} slapd log:\n{server?.RecentLog}", e);
        }

        return [.. response.Entries.Cast<SearchResultEntry>()];
    }

    public static string[] Values(SearchResultEntry entry, string attribute) =>
        entry.Attributes.Contains(attribute) ? [.. entry.Attributes[attribute].GetValues(typeof(string)).Cast<string>()] : [];

    /// <summary>RFC 4515 §3 escaping of a value inside a search filter.</summary>
    public static string Escape(string value) => string.Concat(value.Select(c => c switch
    {
        '*' => @"\2a",
        '(' => @"\28",
        ')' => @"\29",
        '\\' => @"\5c",
        '\0' => @"\00",
        _ => c.ToString(),
    }));
}
