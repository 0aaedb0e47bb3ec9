using System.DirectoryServices.Protocols;
using System.Net;
using Paas.Testing.Ldap;

namespace Paas.Ldap.Tests;

/// <summary>Small System.DirectoryServices.Protocols helpers, written the way the platform's provider is expected to call it.</summary>
internal static class Ldap
{
    /// <summary>An LDAPv3 connection to the server's plain port with simple (Basic) binds and a short timeout; not yet bound.</summary>
    public static LdapConnection Connection(SlapdServer server, int? port = null)
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", port ?? server.Port), null, AuthType.Basic)
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        return connection;
    }

    /// <summary>A connection bound as the read-only service account.</summary>
    public static LdapConnection AsService(SlapdServer server)
    {
        var connection = Connection(server);
        connection.Bind(new NetworkCredential(server.ServiceBindDn, server.ServiceBindPassword));
        return connection;
    }

    public static List<SearchResultEntry> Search(LdapConnection connection, string baseDn, string filter, params string[] attributes)
    {
        var response = (SearchResponse)connection.SendRequest(new SearchRequest(baseDn, filter, SearchScope.Subtree, attributes));
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
