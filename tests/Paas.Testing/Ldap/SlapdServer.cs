using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace Paas.Testing.Ldap;

/// <summary>
/// A real OpenLDAP 2.5 <c>slapd</c> on loopback for LDAP / Active Directory sign-in tests: its own temporary folder and
/// free port, seeded, started in well under a second; any number may run at once. Stopped and deleted on
/// <see cref="DisposeAsync"/> and, for any still running, when the test process exits. When OpenLDAP is not installed
/// the test is skipped (failed under <c>CI=true</c>). Findings on how <c>System.DirectoryServices.Protocols</c> on Linux
/// behaves against it (error codes, TLS trust) are in <c>tests/Paas.Testing/Ldap/README.md</c>.
/// </summary>
/// <remarks>
/// <para><b>Both flavors.</b> Users (login, cn): <c>alice</c> "Alice Anderson" (platform admin), <c>bob</c> "Bob Brown",
/// <c>carol</c> "Carol Clark", <c>dave</c> "Dave Davis", <c>erin</c> "Erin Evans", <c>o'brien</c> "Pat O'Brien",
/// <c>x*y</c> "Xena Yu" (a filter wildcard in the login: an unescaped <c>(uid=x*y)</c> also matches other entries
/// such as <c>xy</c> would, so the provider must escape it as <c>x\2ay</c>), and <c>jsmith</c> "Smith, John" whose DN
/// is <c>cn=Smith\, John,…</c> in both flavors (slapd returns it as <c>cn=Smith\2C John,…</c>: compare DNs
/// normalized, not as strings). Each has <c>cn</c>, <c>sn</c>, <c>givenName</c>, <c>displayName</c> (jsmith: "John
/// Smith"), <c>mail</c> = <c>login@example.com</c> and a <c>{SSHA}</c> <c>userPassword</c> that is
/// <see cref="UserPassword"/>(login). Groups (<c>cn</c>, under <see cref="GroupBase"/>): <c>paas-admins</c> {alice},
/// <c>developers</c> {bob, group frontend (nested)}, <c>frontend</c> {carol}, <c>viewers</c> {dave, jsmith},
/// <c>ops</c> {erin}; o'brien and x*y are in no group. The memberof overlay (with refint) keeps <c>memberOf</c> on
/// every member, groups included (frontend carries <c>memberOf: developers</c>), but not transitively: carol's
/// <c>memberOf</c> lists only frontend, so nested membership must be found by walking groups. Removing a member
/// updates its <c>memberOf</c> at once; deleting an entry removes it from every group.</para>
/// <para><b>ACLs.</b> <see cref="ServiceBindDn"/> (not the rootdn) and any signed-in user read everything except
/// <c>userPassword</c>; nobody but the fixture's rootdn writes anything (a write answers insufficientAccessRights, 50);
/// anonymous may only bind. A user may change their own password.</para>
/// <para><b><see cref="DirectoryFlavor.OpenLdap"/></b>: <c>dc=example,dc=com</c>; users are <c>inetOrgPerson</c>
/// <c>uid=LOGIN,ou=people,dc=example,dc=com</c> (jsmith: <c>cn=Smith\, John,ou=people,…</c>); groups are
/// <c>groupOfNames</c> <c>cn=NAME,ou=groups,dc=example,dc=com</c>; the service account is
/// <c>cn=paas-service,ou=services,dc=example,dc=com</c> (organizationalRole + simpleSecurityObject).</para>
/// <para><b><see cref="DirectoryFlavor.ActiveDirectoryLike"/></b>: <c>dc=corp,dc=example,dc=com</c>; a small schema
/// with AD's names and OIDs (<c>sAMAccountName</c>, <c>userPrincipalName</c>, <c>userAccountControl</c> and
/// <c>groupType</c> as INTEGER; classes <c>user</c> (SUP organizationalPerson), <c>group</c>, <c>container</c>; no
/// name clashes, no substitutes needed). Users are <c>user</c> entries named like AD by full name,
/// <c>cn=Bob Brown,cn=Users,dc=corp,dc=example,dc=com</c>, with <c>sAMAccountName</c> = login,
/// <c>userPrincipalName</c> = <c>login@example.com</c>, <c>userAccountControl: 512</c>; plus <c>frank</c>
/// "Frank Fisher", disabled (<c>userAccountControl: 514</c>, ACCOUNTDISABLE = 2) and a member of developers. Groups are
/// <c>group</c> entries <c>cn=NAME,ou=Groups,dc=corp,dc=example,dc=com</c> with <c>sAMAccountName</c> and
/// <c>groupType: -2147483646</c> (global security). The service account is
/// <c>cn=paas-service,ou=Service Accounts,dc=corp,dc=example,dc=com</c> (a <c>user</c>, UAC 66048).
/// <c>(!(userAccountControl:1.2.840.113556.1.4.803:=2))</c> works (slapd's integerBitAndMatch). AD's
/// LDAP_MATCHING_RULE_IN_CHAIN <c>1.2.840.113556.1.4.1941</c> is NOT implemented by OpenLDAP 2.5: a filter using it
/// is accepted, no error, and matches nothing (the assertion is Undefined, so a <c>(!(…))</c> around it matches
/// nothing either); the provider must walk nested groups itself. Unlike AD, slapd binds only by DN: a simple bind
/// as <c>bob@example.com</c> or <c>CORP\bob</c> fails with invalidDNSyntax (34; S.DS.P throws a
/// <c>DirectoryOperationException</c>); search the DN first, then bind. slapd does not refuse a bind for a disabled
/// <c>userAccountControl</c> either: the provider must filter on it.</para>
/// <para><b>TLS</b> (<c>tls: true</c>): a throwaway CA and a server certificate for 127.0.0.1 and localhost;
/// <see cref="Url"/> accepts StartTLS and <see cref="LdapsUrl"/> speaks LDAPS. <see cref="CaCertificatePath"/> is the
/// CA's PEM, alone in its folder.</para>
/// </remarks>
public sealed class SlapdServer : ITestDirectory
{
    private static readonly ConcurrentDictionary<SlapdServer, byte> Running = new();
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(15);

    private readonly SlapdInstallation _installation;
    private readonly DirectorySeed _seed;
    private readonly string _root;
    private readonly string _rootPasswordFile;
    private readonly ConcurrentQueue<string> _log = new();
    private int _port;
    private int? _ldapsPort;
    private Process? _process;

    static SlapdServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Running.Keys)
            {
                server.KillAndDelete();
            }
        };
    }

    private SlapdServer(SlapdInstallation installation, DirectorySeed seed, string root, bool tls)
    {
        _installation = installation;
        _seed = seed;
        _root = root;
        _rootPasswordFile = Path.Combine(root, "rootpw");
        CaCertificatePath = tls ? Path.Combine(root, "ca", "ca.pem") : null;
    }

    /// <summary>How the directory is shaped and seeded.</summary>
    public DirectoryFlavor Flavor => _seed.Flavor;

    /// <summary><c>ldap://127.0.0.1:PORT</c> (StartTLS available on it when started with <c>tls: true</c>).</summary>
    public string Url => $"ldap://127.0.0.1:{_port}";

    /// <summary>The plain LDAP port of <see cref="Url"/>.</summary>
    public int Port => _port;

    /// <summary><c>ldaps://127.0.0.1:PORT2</c> when started with <c>tls: true</c>, else null.</summary>
    public string? LdapsUrl => _ldapsPort is { } port ? $"ldaps://127.0.0.1:{port}" : null;

    /// <summary>The PEM file of the CA that signed the server certificate (alone in its folder), when started with <c>tls: true</c>, else null.</summary>
    public string? CaCertificatePath { get; }

    /// <summary><c>dc=example,dc=com</c> (OpenLdap) or <c>dc=corp,dc=example,dc=com</c> (AD-like).</summary>
    public string BaseDn => _seed.BaseDn;

    /// <summary>The read-only account the platform binds as (not the rootdn): <c>cn=paas-service,ou=services,…</c> or <c>cn=paas-service,ou=Service Accounts,…</c>.</summary>
    public string ServiceBindDn => _seed.ServiceBindDn;

    /// <summary>The password of <see cref="ServiceBindDn"/>.</summary>
    public string ServiceBindPassword => "paas-service-Secret1";

    /// <summary>Where the users are: <c>ou=people,dc=example,dc=com</c> or <c>cn=Users,dc=corp,dc=example,dc=com</c>.</summary>
    public string UserBase => _seed.UserBase;

    /// <summary>Where the groups are: <c>ou=groups,dc=example,dc=com</c> or <c>ou=Groups,dc=corp,dc=example,dc=com</c>.</summary>
    public string GroupBase => _seed.GroupBase;

    /// <summary>slapd's most recent output (its <c>stats</c> log: connections, binds, searches and their results; up to 200 lines), for failure messages.</summary>
    public string RecentLog => string.Join('\n', _log);

    /// <summary>Whether slapd is running (false after <see cref="StopAsync"/> or if it died).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The logins of the seeded users (the AD-like flavor adds the disabled <c>frank</c>).</summary>
    public IReadOnlyList<string> Logins => [.. _seed.Persons.Select(p => p.Login)];

    /// <summary>
    /// Starts a seeded directory in a new temporary folder on free loopback ports. Skips the test when OpenLDAP is not
    /// installed (fails it under <c>CI=true</c>).
    /// </summary>
    /// <param name="flavor">The shape of the directory.</param>
    /// <param name="tls">Whether to make a CA and server certificate and also listen on <see cref="LdapsUrl"/>.</param>
    /// <returns>The running server; dispose it.</returns>
    /// <exception cref="InvalidOperationException">slapd did not start or the seed was refused (the message holds slapd's output).</exception>
    public static async Task<SlapdServer> StartAsync(DirectoryFlavor flavor, bool tls = false)
    {
        var installation = SlapdInstallation.Require();
        var root = Path.Combine(Path.GetTempPath(), "paas-slapd-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(root, "db"));
        var server = new SlapdServer(installation, DirectorySeed.For(flavor), root, tls);
        Running[server] = 0;
        try
        {
            var rootPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
            await File.WriteAllTextAsync(server._rootPasswordFile, rootPassword);
            if (tls)
            {
                Directory.CreateDirectory(Path.Combine(root, "ca"));
                Directory.CreateDirectory(Path.Combine(root, "tls"));
                TestCertificateAuthority.Write(server.CaCertificatePath!, Path.Combine(root, "tls", "server.pem"), Path.Combine(root, "tls", "server.key"));
            }

            SlapdConfiguration.Write(root, installation, server._seed, rootPassword, tls);
            await server.StartOnFreePortsAsync(tls);
            await server.AddAsync(server._seed.Ldif(server.ServiceBindPassword));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The known password of a seeded user: <c>LOGIN-Secret1</c>.</summary>
    /// <param name="login">The <c>uid</c> / <c>sAMAccountName</c>.</param>
    /// <returns>The password.</returns>
    public static string UserPassword(string login) => DirectorySeed.PasswordOf(login);

    /// <summary>The DN of a seeded user, as written when seeded (RFC 4514 escaped: <c>cn=Smith\, John,…</c>).</summary>
    /// <param name="login">A login from <see cref="Logins"/>.</param>
    /// <returns>The DN.</returns>
    /// <exception cref="ArgumentException">Not a seeded login of this flavor.</exception>
    public string UserDn(string login) => _seed.UserDn(login);

    /// <summary>The DN of a seeded group: <c>cn=NAME,</c><see cref="GroupBase"/>.</summary>
    /// <param name="name">paas-admins, developers, frontend, viewers or ops.</param>
    /// <returns>The DN.</returns>
    /// <exception cref="ArgumentException">Not a seeded group.</exception>
    public string GroupDn(string name) => _seed.GroupDn(name);

    /// <summary>"Directory down": stops slapd (SIGTERM, then SIGKILL after 10 s) so its ports refuse connections. The data stays.</summary>
    /// <returns>A task completing once slapd has exited.</returns>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is not null)
        {
            await DirectoryProcess.StopAsync(process, wholeTree: false);
        }
    }

    /// <summary>Starts slapd again after <see cref="StopAsync"/>, on the same ports with the same data.</summary>
    /// <returns>A task completing once slapd accepts connections.</returns>
    /// <exception cref="InvalidOperationException">slapd did not start (for example, another program took the port meanwhile).</exception>
    public async Task StartAgainAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("slapd is already running; call StopAsync first");
        }

        var failure = await LaunchAsync();
        if (failure is not null)
        {
            throw new InvalidOperationException(failure);
        }
    }

    /// <summary>Adds entries as the rootdn (<c>ldapadd</c>).</summary>
    /// <param name="ldif">One or more LDIF entries (<c>dn:</c> first, entries separated by a blank line).</param>
    /// <returns>A task completing when added.</returns>
    /// <exception cref="InvalidOperationException">ldapadd failed; the message holds its output.</exception>
    public Task AddAsync(string ldif) => RunToolAsync("ldapadd", [], ldif);

    /// <summary>Applies LDIF change records as the rootdn (<c>ldapmodify</c>), e.g. <c>dn: …\nchangetype: modify\ndelete: member\nmember: …</c>.</summary>
    /// <param name="ldif">LDIF change records.</param>
    /// <returns>A task completing when applied.</returns>
    /// <exception cref="InvalidOperationException">ldapmodify failed; the message holds its output.</exception>
    public Task ModifyAsync(string ldif) => RunToolAsync("ldapmodify", [], ldif);

    /// <summary>Deletes one entry as the rootdn (<c>ldapdelete</c>); refint removes it from every group.</summary>
    /// <param name="dn">The entry's DN.</param>
    /// <returns>A task completing when deleted.</returns>
    /// <exception cref="InvalidOperationException">ldapdelete failed (for example the entry has children or does not exist).</exception>
    public Task DeleteAsync(string dn) => RunToolAsync("ldapdelete", [dn], "");

    /// <inheritdoc />
    public Task RemoveMemberAsync(string group, string login) =>
        ModifyAsync($"dn: {GroupDn(group)}\nchangetype: modify\ndelete: member\nmember: {UserDn(login)}\n");

    /// <inheritdoc />
    public Task DisableAsync(string login) =>
        Flavor == DirectoryFlavor.ActiveDirectoryLike
            ? ModifyAsync($"dn: {UserDn(login)}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n")
            : throw new InvalidOperationException("OpenLDAP entries have no disabled flag; only the AD-like flavor has userAccountControl");

    /// <inheritdoc />
    public Task DeleteUserAsync(string login) => DeleteAsync(UserDn(login));

    /// <summary>Replaces an entry's <c>userPassword</c> (stored as <c>{SSHA}</c>) as the rootdn.</summary>
    /// <param name="userDn">The entry's DN.</param>
    /// <param name="password">The new password.</param>
    /// <returns>A task completing when changed.</returns>
    public Task SetPasswordAsync(string userDn, string password) =>
        ModifyAsync($"dn: {userDn}\nchangetype: modify\nreplace: userPassword\nuserPassword: {SshaPassword.Hash(password)}\n");

    /// <summary>Stops slapd and deletes its folder.</summary>
    /// <returns>A task completing when done.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Running.TryRemove(this, out _);
        DirectoryProcess.DeleteFolder(_root);
    }

    private async Task StartOnFreePortsAsync(bool tls)
    {
        // A free port can be taken by another program before slapd binds it: try fresh ports a few times.
        string? failure = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var ports = LoopbackPort.FreeDistinct(2);
            _port = ports[0];
            _ldapsPort = tls ? ports[1] : null;
            failure = await LaunchAsync();
            if (failure is null)
            {
                return;
            }
        }

        throw new InvalidOperationException(failure);
    }

    /// <summary>Starts slapd in the foreground (<c>-d stats</c>, output kept for <see cref="RecentLog"/>) and waits until every listener accepts; null when up, else why not.</summary>
    private async Task<string?> LaunchAsync()
    {
        var urls = LdapsUrl is { } ldaps ? $"{Url}/ {ldaps}/" : $"{Url}/";
        var start = ChildProcess.StartInfo(_installation.Slapd, ["-f", Path.Combine(_root, "slapd.conf"), "-h", urls, "-d", "stats"], _root, new Dictionary<string, string?> { ["LDAPNOINIT"] = "1" });
        start.RedirectStandardInput = false;
        _log.Clear();
        var pidFile = Path.Combine(_root, "slapd.pid");
        File.Delete(pidFile);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        // Ready once slapd has written its pid file (after binding its listeners, so a port taken by another program
        // cannot pass for ours) and every port accepts.
        var ports = _ldapsPort is { } second ? new[] { _port, second } : [_port];
        var clock = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            while (!WrotePid(pidFile, process.Id) || !await DirectoryProcess.AcceptsAsync(new IPEndPoint(IPAddress.Loopback, port)))
            {
                var exited = process.HasExited;
                if (exited || clock.Elapsed > StartLimit)
                {
                    var why = exited ? $"exited {process.ExitCode}" : $"not ready after {StartLimit.TotalSeconds:0} s, pid file {(WrotePid(pidFile, process.Id) ? "written" : "missing")}, port {port}";
                    await StopAsync();
                    return $"slapd did not start on {urls} ({why}): {string.Join('\n', _log)}";
                }

                await Task.Delay(10);
            }
        }

        return null;
    }

    private static bool WrotePid(string pidFile, int pid)
    {
        try
        {
            return File.Exists(pidFile) && File.ReadAllText(pidFile).Trim() == pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task RunToolAsync(string tool, string[] args, string stdin)
    {
        string[] common = ["-x", "-H", Url, "-D", _seed.RootDn, "-y", _rootPasswordFile];
        var (exitCode, output, error) = await ChildProcess.RunAsync(
            _installation.Tool(tool), [.. common, .. args], _root, new Dictionary<string, string?> { ["LDAPNOINIT"] = "1" }, CancellationToken.None, stdin, TimeSpan.FromSeconds(30));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{tool} against {Url} exited {exitCode}: {error.Trim()} {output.Trim()}");
        }
    }

    private void Log(string? line) => DirectoryProcess.Remember(_log, line);

    private void KillAndDelete()
    {
        DirectoryProcess.KillNow(_process, wholeTree: false);
        DirectoryProcess.DeleteFolder(_root);
    }
}
