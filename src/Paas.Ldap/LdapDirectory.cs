using System.DirectoryServices.Protocols;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Paas.Ldap;

/// <summary>
/// <see cref="IUserDirectory"/> over LDAP v3 with <c>System.DirectoryServices.Protocols</c> (libldap on Linux). Each call
/// opens a connection to the first server of <see cref="LdapOptions.Servers"/> that answers, binds as the service
/// account, searches, and closes it. User input only ever reaches the directory escaped (RFC 4515 for filters).
/// </summary>
public sealed partial class LdapDirectory : IUserDirectory
{
    /// <summary>How deep nested groups are followed.</summary>
    public const int MaxNestingDepth = 10;

    private readonly IOptionsMonitor<LdapOptions> _options;
    private readonly ILogger<LdapDirectory> _logger;
    private readonly Lock _caGate = new();
    private string? _caDirectory;
    private string? _caSource;
    private DateTime _caStamp;

    /// <summary>Creates the directory client.</summary>
    /// <param name="options">The settings (read on each call, so a reload takes effect).</param>
    /// <param name="logger">Logs unreachable servers and refused service binds (never a password).</param>
    public LdapDirectory(IOptionsMonitor<LdapOptions> options, ILogger<LdapDirectory> logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    public bool Enabled => _options.CurrentValue.Enabled;

    /// <inheritdoc />
    public Task<DirectorySignIn> SignInAsync(string login, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);

        // A control character (NUL above all) is in no login; Samba's directory ends a value at NUL, so the escaped
        // "bob\00" would find bob.
        if (string.IsNullOrEmpty(password) || string.IsNullOrWhiteSpace(login) || login.Any(char.IsControl))
        {
            return Task.FromResult(new DirectorySignIn(DirectorySignInOutcome.InvalidCredentials));
        }

        return RunAsync(
            (connection, options) =>
            {
                if (AccountName(login, options) is not { } name)
                {
                    var domain = login[..login.IndexOf('\\', StringComparison.Ordinal)];
                    var accepted = options.EffectiveDomain is { } known ? $"sign in as {known}\\{login[(domain.Length + 1)..]}, or" : "the platform's admin may set PAAS_LDAP_DOMAIN; sign in";
                    return new DirectorySignIn(DirectorySignInOutcome.NotPermitted, Reason: $"'{domain}' is not the Windows domain of this platform's directory: {accepted} with your user principal name (name@domain)");
                }

                var entry = FindUser(connection, options, LdapEscaping.Format(options.EffectiveUserFilter, name), options.UserBase!, SearchScope.Subtree);
                if (entry is null)
                {
                    return new DirectorySignIn(DirectorySignInOutcome.UnknownUser);
                }

                try
                {
                    connection.Bind(new NetworkCredential(entry.DistinguishedName, password));
                }
                catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
                {
                    return new DirectorySignIn(DirectorySignInOutcome.InvalidCredentials, Reason: AccountState.BindRefusal(e.ServerErrorMessage));
                }
                catch (DirectoryOperationException e) when ((int?)e.Response?.ResultCode == InvalidCredentials)
                {
                    return new DirectorySignIn(DirectorySignInOutcome.InvalidCredentials, Reason: AccountState.BindRefusal(e.Response?.ErrorMessage));
                }

                // Groups are read as the service again: users may not be allowed to read them.
                ServiceBind(connection, options);
                var (account, refusal) = Admit(connection, options, entry);
                return refusal is null
                    ? new DirectorySignIn(DirectorySignInOutcome.Success, account)
                    : new DirectorySignIn(DirectorySignInOutcome.NotPermitted, Reason: refusal);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<DirectoryAccount?> RefreshAsync(string dn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dn);
        return RunAsync(
            (connection, options) =>
            {
                // The user filter with {0} as '*' (a presence or substring assertion) keeps every other condition in
                // it, and is searched on the entry itself; Admit then applies the same rule as at sign-in.
                var filter = options.EffectiveUserFilter.Replace("{0}", "*", StringComparison.Ordinal);
                var entry = FindUser(connection, options, filter, dn, SearchScope.Base);
                if (entry is null)
                {
                    return null;
                }

                var (account, refusal) = Admit(connection, options, entry);
                if (refusal is not null)
                {
                    LogRefreshRefused(_logger, dn, refusal);
                }

                return account;
            },
            cancellationToken);
    }

    /// <summary>
    /// The login to search for: a <c>DOMAIN\login</c> of the configured domain (<see cref="LdapOptions.EffectiveDomain"/>,
    /// case-insensitive) becomes <c>login</c> with the <c>active_directory</c> flavor, the form Windows users type; null
    /// for another domain. Other logins (and every login with the <c>openldap</c> flavor) are searched as typed.
    /// </summary>
    private static string? AccountName(string login, LdapOptions options)
    {
        var separator = login.IndexOf('\\', StringComparison.Ordinal);
        if (!options.IsActiveDirectory || separator <= 0)
        {
            return login;
        }

        var domain = login[..separator];
        return string.Equals(domain, options.EffectiveDomain, StringComparison.OrdinalIgnoreCase)
            ? login[(separator + 1)..]
            : null;
    }

    /// <summary>
    /// The one rule for who may use the platform, at sign-in (after the password was accepted) and at every refresh: not
    /// the platform's own service account, an account state that allows it (<see cref="AccountState"/>), and membership of
    /// <see cref="LdapOptions.RequiredGroup"/> when one is set. Returns the account, or the reason it is refused.
    /// </summary>
    private (DirectoryAccount? Account, string? Refusal) Admit(LdapConnection connection, LdapOptions options, SearchResultEntry entry)
    {
        if (IsServiceAccount(entry, options))
        {
            return (null, "this is the platform's own service account (PAAS_LDAP_BIND_DN), which may not sign in");
        }

        if (AccountState.Refusal(entry, DateTimeOffset.UtcNow) is { } state)
        {
            return (null, $"{state} in the directory");
        }

        var groups = ReadGroups(connection, options, entry);
        if (!string.IsNullOrWhiteSpace(options.RequiredGroup) && !groups.Any(g => IsGroup(g, options.RequiredGroup)))
        {
            return (null, $"only members of the directory group '{options.RequiredGroup}' may sign in to this platform: ask your directory's admin to add you");
        }

        return (ToAccount(options, entry, groups), null);
    }

    /// <summary>Whether the entry is the account in <see cref="LdapOptions.BindDn"/>, given as a DN, a user principal name (<c>name@domain</c>) or <c>DOMAIN\name</c>.</summary>
    private static bool IsServiceAccount(SearchResultEntry entry, LdapOptions options)
    {
        var bind = options.BindDn?.Trim();
        if (string.IsNullOrEmpty(bind))
        {
            return false;
        }

        if (bind.Contains('=', StringComparison.Ordinal))
        {
            return SameDn(entry.DistinguishedName, bind);
        }

        var separator = bind.IndexOf('\\', StringComparison.Ordinal);
        return separator >= 0
            ? string.Equals(First(entry, "sAMAccountName"), bind[(separator + 1)..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(First(entry, "userPrincipalName"), bind, StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public Task<DirectoryGroup?> FindGroupAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return RunAsync(
            (connection, options) =>
            {
                if (string.IsNullOrWhiteSpace(options.GroupBase))
                {
                    return null;
                }

                var filter = $"({options.GroupNameAttribute}={LdapEscaping.FilterValue(name)})";
                var found = Search(connection, options, options.GroupBase, filter, SearchScope.Subtree, [options.GroupNameAttribute], "PAAS_LDAP_GROUP_BASE");
                return found.Count == 0 ? null : ToGroup(found[0], options);
            },
            cancellationToken);
    }

    private static SearchResultEntry? FindUser(LdapConnection connection, LdapOptions options, string filter, string searchBase, SearchScope scope)
    {
        string[] attributes =
        [
            options.EffectiveUsernameAttribute, options.EmailAttribute, options.DisplayNameAttribute, "cn", "sAMAccountName", "userPrincipalName",
            .. AccountState.Attributes,
            .. string.IsNullOrWhiteSpace(options.GroupMembershipAttribute) ? Array.Empty<string>() : [options.GroupMembershipAttribute],
        ];
        List<SearchResultEntry> found;
        try
        {
            found = Search(connection, options, searchBase, filter, scope, attributes, scope == SearchScope.Base ? null : "PAAS_LDAP_USER_BASE");
        }
        catch (DirectoryOperationException e) when (scope == SearchScope.Base && e.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return null; // the entry was deleted or moved
        }

        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new DirectoryUnavailableException(
                $"the user filter '{options.EffectiveUserFilter}' matched {found.Count} entries for one login ({string.Join("; ", found.Take(3).Select(f => f.DistinguishedName))}): make PAAS_LDAP_USER_FILTER match a single user"),
        };
    }

    private static List<SearchResultEntry> Search(LdapConnection connection, LdapOptions options, string searchBase, string filter, SearchScope scope, string[] attributes, string? baseVariable)
    {
        var request = new SearchRequest(searchBase, filter, scope, attributes) { SizeLimit = 1000, TimeLimit = options.Timeout };
        try
        {
            var response = (SearchResponse)connection.SendRequest(request, options.Timeout);
            return [.. response.Entries.Cast<SearchResultEntry>()];
        }
        catch (DirectoryOperationException e) when (baseVariable is not null && e.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            throw new DirectoryUnavailableException($"the search base '{searchBase}' does not exist on the directory: check {baseVariable}", e);
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode is ResultCode.InappropriateMatching or ResultCode.UndefinedAttributeType or ResultCode.ProtocolError)
        {
            throw new DirectoryUnavailableException($"the directory rejected the filter '{filter}' ({e.Response.ResultCode}: {e.Message}): check PAAS_LDAP_USER_FILTER and PAAS_LDAP_GROUP_FILTER", e);
        }
        catch (LdapException e) when (e.ErrorCode == FilterError)
        {
            throw new DirectoryUnavailableException($"'{filter}' is not a valid LDAP filter (RFC 4515): check PAAS_LDAP_USER_FILTER and PAAS_LDAP_GROUP_FILTER", e);
        }
    }

    private const int FilterError = 87; // LDAP_FILTER_ERROR (a client-side result code, RFC 4515 syntax)

    private const int ServerDown = 81; // LDAP_SERVER_DOWN, a client-side result code

    private const int InvalidCredentials = 49; // invalidCredentials (RFC 4511 section 4.1.9); ResultCode has no member for it

    /// <summary>
    /// The account as the platform records it: its teams are the groups that pass <see cref="LdapOptions.TeamPrefix"/>;
    /// the admin flag is read from every group.
    /// </summary>
    private static DirectoryAccount ToAccount(LdapOptions options, SearchResultEntry entry, List<DirectoryGroup> groups)
    {
        var username = First(entry, options.EffectiveUsernameAttribute)
            ?? throw new DirectoryUnavailableException($"the entry '{entry.DistinguishedName}' has no {options.EffectiveUsernameAttribute} attribute: set PAAS_LDAP_USERNAME_ATTRIBUTE to the attribute holding login names");
        var isAdmin = !string.IsNullOrWhiteSpace(options.AdminGroup) && groups.Any(g => IsGroup(g, options.AdminGroup));
        var teams = string.IsNullOrWhiteSpace(options.TeamPrefix)
            ? groups
            : [.. groups.Where(g => g.Name.StartsWith(options.TeamPrefix.Trim(), StringComparison.OrdinalIgnoreCase))];
        return new DirectoryAccount(entry.DistinguishedName, username.ToLowerInvariant(), First(entry, options.EmailAttribute), First(entry, options.DisplayNameAttribute) ?? First(entry, "cn"), teams, isAdmin);
    }

    private List<DirectoryGroup> ReadGroups(LdapConnection connection, LdapOptions options, SearchResultEntry user)
    {
        if (string.IsNullOrWhiteSpace(options.GroupMembershipAttribute) && string.IsNullOrWhiteSpace(options.GroupBase))
        {
            return [];
        }

        var found = new Dictionary<string, DirectoryGroup>(StringComparer.OrdinalIgnoreCase);
        var frontier = GroupsOf(connection, options, user);
        for (var depth = 0; frontier.Count > 0; depth++)
        {
            var fresh = frontier.Where(g => ToGroup(g, options) is { } group && found.TryAdd(NormalizeDn(group.Dn), group)).ToList();
            if (!options.EffectiveNestedGroups || depth >= MaxNestingDepth)
            {
                if (fresh.Count > 0 && depth >= MaxNestingDepth)
                {
                    LogTooDeep(_logger, user.DistinguishedName, MaxNestingDepth);
                }

                break;
            }

            frontier = [.. fresh.SelectMany(g => GroupsOf(connection, options, g))];
        }

        return [.. found.Values.OrderBy(g => g.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The group entries <paramref name="member"/> (a user or a group) directly belongs to: searched with the group
    /// filter, or read from the DNs in its <see cref="LdapOptions.GroupMembershipAttribute"/> (each read once, with that
    /// attribute too, so the next level needs no second read). Groups outside the group base are not teams.
    /// </summary>
    private static List<SearchResultEntry> GroupsOf(LdapConnection connection, LdapOptions options, SearchResultEntry member)
    {
        if (string.IsNullOrWhiteSpace(options.GroupMembershipAttribute))
        {
            return Search(connection, options, options.GroupBase!, LdapEscaping.Format(options.EffectiveGroupFilter, member.DistinguishedName), SearchScope.Subtree, [options.GroupNameAttribute], "PAAS_LDAP_GROUP_BASE");
        }

        var groups = new List<SearchResultEntry>();
        foreach (var dn in All(member, options.GroupMembershipAttribute))
        {
            if (!string.IsNullOrWhiteSpace(options.GroupBase) && !NormalizeDn(dn).EndsWith(NormalizeDn(options.GroupBase), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                groups.AddRange(Search(connection, options, dn, "(objectClass=*)", SearchScope.Base, [options.GroupNameAttribute, options.GroupMembershipAttribute], null));
            }
            catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
            {
                // A stale memberOf value: the group is gone.
            }
        }

        return groups;
    }

    private static DirectoryGroup? ToGroup(SearchResultEntry entry, LdapOptions options) =>
        First(entry, options.GroupNameAttribute) is { } name ? new DirectoryGroup(entry.DistinguishedName, name.ToLowerInvariant()) : null;

    /// <summary>Whether <paramref name="group"/> is the one named by a setting (<see cref="LdapOptions.AdminGroup"/>, <see cref="LdapOptions.RequiredGroup"/>): by DN when it holds '=', else by name.</summary>
    private static bool IsGroup(DirectoryGroup group, string setting) =>
        setting.Contains('=', StringComparison.Ordinal)
            ? SameDn(group.Dn, setting)
            : string.Equals(group.Name, setting.Trim(), StringComparison.OrdinalIgnoreCase);

    private static bool SameDn(string a, string b) => string.Equals(NormalizeDn(a), NormalizeDn(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>Compares DNs loosely: spaces around RDN separators do not matter (RFC 4514 section 4 leaves them to the writer).</summary>
    private static string NormalizeDn(string dn) =>
        string.Join(',', dn.Split(',').Select(part => string.Join('=', part.Split('=', 2).Select(s => s.Trim()))));

    private static string? First(SearchResultEntry entry, string attribute) =>
        All(entry, attribute) is [var first, ..] ? first : null;

    private static IReadOnlyList<string> All(SearchResultEntry entry, string attribute)
    {
        var values = entry.Attributes[attribute];
        return values is null ? [] : [.. values.GetValues(typeof(string)).Cast<string>().Where(v => !string.IsNullOrEmpty(v))];
    }

    private async Task<T> RunAsync<T>(Func<LdapConnection, LdapOptions, T> work, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (!options.Enabled || string.IsNullOrWhiteSpace(options.UserBase))
        {
            throw new DirectoryUnavailableException("no directory is configured: set PAAS_LDAP_URL and PAAS_LDAP_USER_BASE");
        }

        LibLdapDefaults.EnsureApplied();
        var failures = new List<string>();
        var tlsRefused = false;
        foreach (var server in options.Servers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            T Attempt()
            {
                using var connection = Connect(server, options);
                ServiceBind(connection, options);
                return work(connection, options);
            }

            try
            {
                return await Task.Run(
                    () =>
                    {
                        try
                        {
                            return Attempt();
                        }
                        catch (LdapException e) when (e.ErrorCode == ServerDown)
                        {
                            // One more try before calling the server down: libldap also reports 81 for an interrupted
                            // wait, and the operations here are reads and binds, safe to repeat.
                            return Attempt();
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (LdapException e) when (IsUnreachable(e.ErrorCode))
            {
                LogUnreachable(_logger, server, e.Message, e.ErrorCode);
                var tls = await TlsAdviceAsync(server, options, e.ErrorCode).ConfigureAwait(false);
                tlsRefused |= tls.Length > 0;
                failures.Add($"{server}: {Describe(e)}{tls}");
            }
            catch (Exception e) when (StrongAuthRequired(e))
            {
                throw Logged(new DirectoryUnavailableException(
                    $"the directory at {server} requires signing or TLS for password binds (strongAuthRequired, RFC 4511 section 4.1.9; AD's \"LDAP server signing requirements\", Samba's \"ldap server require strong auth\"): use ldaps://{new Uri(server).Host}:636 in PAAS_LDAP_URL or set PAAS_LDAP_START_TLS=true, with PAAS_LDAP_CA_FILE naming the CA of its certificate",
                    e));
            }
            catch (LdapException e)
            {
                throw Logged(new DirectoryUnavailableException($"the directory at {server} answered an error: {Describe(e)}", e));
            }
            catch (DirectoryOperationException e)
            {
                var code = e.Response is { } response ? $"{response.ResultCode} ({(int)response.ResultCode})" : "no result code";
                var detail = string.IsNullOrWhiteSpace(e.Response?.ErrorMessage) ? "" : $", the server said: {e.Response.ErrorMessage}";
                throw Logged(new DirectoryUnavailableException($"the directory at {server} refused a request: {e.Message} ({code}{detail})", e));
            }
        }

        throw Logged(new DirectoryUnavailableException(tlsRefused
            ? $"the directory cannot be reached over TLS ({string.Join("; ", failures)})"
            : $"the directory cannot be reached ({string.Join("; ", failures)}): check that it is up and that PAAS_LDAP_URL is right"));
    }

    /// <summary>Logs what the 503 answered (its message promises the log holds the details), with the LDAP error behind it.</summary>
    private DirectoryUnavailableException Logged(DirectoryUnavailableException e)
    {
        LogUnavailable(_logger, e.InnerException, e.Message);
        return e;
    }

    /// <summary>
    /// strongAuthRequired (8) or confidentialityRequired (13): a simple bind on plain ldap:// that the server refuses.
    /// S.DS.P throws it as a <see cref="DirectoryOperationException"/> without a response (message "Strong authentication is
    /// required for this operation.", observed against Samba 4.17), or an <see cref="LdapException"/> with the code.
    /// </summary>
    private static bool StrongAuthRequired(Exception e) => e switch
    {
        LdapException l => l.ErrorCode is 8 or 13,
        DirectoryOperationException { Response: { } response } => response.ResultCode is ResultCode.StrongAuthRequired or ResultCode.ConfidentialityRequired,
        DirectoryOperationException d => d.Message.StartsWith("Strong authentication is required", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>
    /// For a TLS connection that failed as "unreachable" (libldap reports 81 over ldaps and 91 over StartTLS for an
    /// untrusted CA, a name mismatch and a server that is down alike), why: found by <see cref="TlsDiagnosis"/>, or both
    /// possible causes when it cannot tell; empty without TLS.
    /// </summary>
    private static async Task<string> TlsAdviceAsync(string server, LdapOptions options, int code)
    {
        if (!LdapOptions.TryParseServer(server, out var uri) || !(uri.Scheme == "ldaps" || options.StartTls) || code is not (81 or 91))
        {
            return "";
        }

        var port = uri.Port > 0 ? uri.Port : uri.Scheme == "ldaps" ? 636 : 389;
        var explained = await TlsDiagnosis.ExplainAsync(uri, port, options.CaFile, options.Timeout).ConfigureAwait(false);
        if (explained is not null)
        {
            return $": TLS failed: {explained}";
        }

        return code == 91 || await PortAcceptsAsync(uri.Host, port, options.Timeout).ConfigureAwait(false)
            ? $" (over TLS this also means the server's certificate is not trusted: either it is not signed by a CA in PAAS_LDAP_CA_FILE{(string.IsNullOrWhiteSpace(options.CaFile) ? " (unset: the system's CAs)" : "")}, or it does not name '{uri.Host}' as written in PAAS_LDAP_URL)"
            : "";
    }

    private static async Task<bool> PortAcceptsAsync(string host, int port, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(host, port, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string Describe(LdapException e) =>
        string.IsNullOrWhiteSpace(e.ServerErrorMessage) || e.ServerErrorMessage == "(unknown error code)"
            ? $"{e.Message.Trim()} (LDAP result {e.ErrorCode})"
            : $"{e.Message.Trim()}: {e.ServerErrorMessage} (LDAP result {e.ErrorCode})";

    /// <summary>Client-side result codes that mean "this server did not answer" (RFC 4511 leaves them to the API): try the next one.</summary>
    private static bool IsUnreachable(int code) => code is 81 /* server down */ or 85 /* timeout */ or 91 /* connect error */ or 51 /* busy */ or 52 /* unavailable */;

    private LdapConnection Connect(string server, LdapOptions options)
    {
        if (!LdapOptions.TryParseServer(server, out var uri))
        {
            throw new DirectoryUnavailableException($"'{server}' is not an LDAP URL: PAAS_LDAP_URL takes ldap://host[:port] or ldaps://host[:port]");
        }

        var secure = uri.Scheme == "ldaps";
        var port = uri.Port > 0 ? uri.Port : secure ? 636 : 389;
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, port, fullyQualifiedDnsHostName: false, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = options.Timeout,
        };
        try
        {
            connection.SessionOptions.ProtocolVersion = 3;
            connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
            if (secure || options.StartTls)
            {
                TrustConfiguredAuthorities(connection, options);
            }

            if (secure)
            {
                connection.SessionOptions.SecureSocketLayer = true;
            }
            else if (options.StartTls)
            {
                // libldap connects on the first bind, and StartTLS needs the connection: bind anonymously (no secret
                // crosses in clear), upgrade (RFC 4513 section 3), then bind for real.
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
                connection.SessionOptions.StartTransportLayerSecurity(null);
                connection.AuthType = AuthType.Basic;
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trusts <see cref="LdapOptions.CaFile"/> for this connection. libldap (GnuTLS) on Linux takes a folder of CA
    /// certificates and only applies it to a new TLS context, and has no per-certificate callback; the file is copied
    /// alone into a private folder so nothing else next to it is trusted.
    /// </summary>
    private void TrustConfiguredAuthorities(LdapConnection connection, LdapOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CaFile) || OperatingSystem.IsWindows())
        {
            return; // on Windows the machine's certificate store decides
        }

        connection.SessionOptions.TrustedCertificatesDirectory = CaDirectory(options.CaFile);
        connection.SessionOptions.StartNewTlsSessionContext();
    }

    private string CaDirectory(string caFile)
    {
        lock (_caGate)
        {
            var stamp = File.GetLastWriteTimeUtc(caFile);
            if (_caDirectory is null || _caSource != caFile || _caStamp != stamp)
            {
                var folder = _caDirectory ?? System.IO.Directory.CreateTempSubdirectory("paas-ldap-ca-").FullName;
                File.Copy(caFile, Path.Combine(folder, "ca.pem"), overwrite: true);
                (_caDirectory, _caSource, _caStamp) = (folder, caFile, stamp);
            }

            return _caDirectory;
        }
    }

    private void ServiceBind(LdapConnection connection, LdapOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BindDn))
        {
            connection.AuthType = AuthType.Anonymous;
            connection.Bind();
            connection.AuthType = AuthType.Basic;
            return;
        }

        try
        {
            connection.Bind(new NetworkCredential(options.BindDn, BindPassword(options)));
        }
        catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
        {
            throw Logged(new DirectoryUnavailableException($"the directory refused the platform's service bind as '{options.BindDn}' (invalid credentials): check PAAS_LDAP_BIND_DN and PAAS_LDAP_BIND_PASSWORD_FILE", e));
        }
    }

    private static string BindPassword(LdapOptions options)
    {
        if (!string.IsNullOrEmpty(options.BindPasswordFile))
        {
            try
            {
                return File.ReadAllText(options.BindPasswordFile).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DirectoryUnavailableException($"PAAS_LDAP_BIND_PASSWORD_FILE '{options.BindPasswordFile}' cannot be read: {e.Message}", e);
            }
        }

        return options.BindPassword ?? "";
    }

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Groups of {User} nest deeper than {Depth} levels; deeper ones are ignored")]
    private static partial void LogTooDeep(ILogger logger, string user, int depth);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Directory server {Server} cannot be reached: {Error} ({Code})")]
    private static partial void LogUnreachable(ILogger logger, string server, string error, int code);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Directory unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, Exception? exception, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Directory account {Dn} may no longer use the platform: {Reason}")]
    private static partial void LogRefreshRefused(ILogger logger, string dn, string reason);
}
