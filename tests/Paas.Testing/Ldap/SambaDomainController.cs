using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Paas.Testing.Ldap;

/// <summary>
/// A real Active Directory for sign-in tests: Samba 4 (Debian's <c>samba</c>) as a domain controller of the realm
/// <c>CORP.EXAMPLE.COM</c> (NetBIOS domain <c>CORP</c>, naming context <c>DC=corp,DC=example,DC=com</c>), running only its
/// LDAP service, in its own temporary folder. Seeded like <see cref="DirectoryFlavor.ActiveDirectoryLike"/> (see
/// <see cref="SlapdServer"/>): the people in <c>CN=Users</c> (without <c>x*y</c>), the groups in <c>OU=Groups</c>, the
/// service account <c>CN=paas-service,OU=Service Accounts,…</c>; passwords are <see cref="UserPassword"/>(login); the
/// domain's password complexity is off and 3 wrong passwords lock an account out (for 30 minutes, Samba's default).
/// </summary>
/// <remarks>
/// <para><b>Addresses, not ports.</b> Samba's LDAP server listens on the fixed ports 389 (ldap, StartTLS) and 636
/// (ldaps), with no setting to move them, so each controller gets two free loopback addresses of its own instead
/// (<c>127.x.y.z</c>, all of 127/8 is loopback on Linux) and binds only those: <see cref="Url"/> and
/// <see cref="LdapsUrl"/> on <see cref="Address"/>, whose certificate (from a throwaway CA, <see cref="CaCertificatePath"/>)
/// names that address only, and <see cref="OtherAddress"/>, the same server under a name the certificate does not hold.
/// Binding ports below 1024 needs root (CI runs as root); otherwise the test is skipped (failed under <c>CI=true</c>).</para>
/// <para><b>Start-up cost.</b> Provisioning a domain takes about 10 s, so it is done once per test process into a
/// template folder (provisioned, policy set, seeded); each controller copies the template (about 35 MB) and starts in
/// about a second.</para>
/// <para><b>What a real AD does that the AD-like slapd does not</b>: simple binds by <c>userPrincipalName</c> and
/// <c>DOMAIN\login</c>; refusing a simple bind on plain <c>ldap://</c> (strongAuthRequired, 8: "BindSimple: Transport
/// encryption required."; use StartTLS or ldaps); refusing binds of disabled (<c>data 533</c>), expired
/// (<c>data 701</c>), locked-out (<c>data 775</c>) and must-change-password (<c>data 773</c>) accounts with
/// invalidCredentials (49); the in-chain rule <c>1.2.840.113556.1.4.1941</c>; the constructed
/// <c>msDS-User-Account-Control-Computed</c> (UF_LOCKOUT 0x10, UF_PASSWORD_EXPIRED 0x800000).</para>
/// <para>Samba runs in the foreground (<c>samba -i -M single</c>) with its standard input a pipe from the test process:
/// when the test process dies, Samba sees end-of-file and exits.</para>
/// <code>
/// {root}/
///   etc/smb.conf     this controller's addresses, folders, TLS files
///   private/         sam.ldb and its partitions (copied from the template)
///   state/, cache/, lock/, pid/
///   tls/             server.pem, server.key
///   ca/ca.pem        the CA that signed server.pem, alone in its folder
/// </code>
/// </remarks>
public sealed class SambaDomainController : ITestDirectory
{
    /// <summary>The domain's Administrator password.</summary>
    public const string AdministratorPassword = "Administrator-Secret1";

    /// <summary>The NetBIOS domain name.</summary>
    public const string NetbiosDomain = "CORP";

    private const string Realm = "CORP.EXAMPLE.COM";
    private static readonly ConcurrentDictionary<SambaDomainController, byte> Running = new();
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? _template;

    private readonly DirectorySeed _seed = DirectorySeed.For(DirectoryFlavor.ActiveDirectoryLike);
    private readonly string _root;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    static SambaDomainController()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Running.Keys)
            {
                server.KillAndDelete();
            }

            if (_template is not null)
            {
                DirectoryProcess.DeleteFolder(_template);
            }
        };
    }

    private SambaDomainController(string root, IPAddress address, IPAddress otherAddress)
    {
        _root = root;
        Address = address;
        OtherAddress = otherAddress;
    }

    /// <inheritdoc />
    public DirectoryFlavor Flavor => DirectoryFlavor.ActiveDirectory;

    /// <summary>The loopback address the server certificate names.</summary>
    public IPAddress Address { get; }

    /// <summary>A second loopback address of the same server, which its certificate does not name.</summary>
    public IPAddress OtherAddress { get; }

    /// <inheritdoc />
    public string Url => $"ldap://{Address}";

    /// <inheritdoc />
    public string LdapsUrl => $"ldaps://{Address}";

    /// <inheritdoc />
    public string CaCertificatePath => Path.Combine(_root, "ca", "ca.pem");

    /// <inheritdoc />
    public string BaseDn => _seed.BaseDn;

    /// <inheritdoc />
    public string UserBase => _seed.UserBase;

    /// <inheritdoc />
    public string GroupBase => _seed.GroupBase;

    /// <inheritdoc />
    public string ServiceBindDn => _seed.ServiceBindDn;

    /// <inheritdoc />
    public string ServiceBindPassword => "paas-service-Secret1";

    /// <summary>The DN of the domain's built-in Administrator.</summary>
    public string AdministratorDn => $"CN=Administrator,CN=Users,{BaseDn}";

    /// <summary>Samba's most recent output (up to 200 lines), for failure messages.</summary>
    public string RecentLog => string.Join('\n', _log);

    /// <summary>
    /// Starts a seeded domain controller in a new temporary folder on two free loopback addresses (provisioning the
    /// template first, once per process). Skips the test when Samba is not installed or ports below 1024 cannot be
    /// bound (fails it under <c>CI=true</c>).
    /// </summary>
    /// <returns>The running server; dispose it.</returns>
    /// <exception cref="InvalidOperationException">Provisioning, start-up or the seed failed (the message holds Samba's output).</exception>
    public static async Task<SambaDomainController> StartAsync()
    {
        var template = await TemplateAsync();
        var (address, other) = FreeAddresses();
        var root = Path.Combine(Path.GetTempPath(), "paas-samba-" + Guid.NewGuid().ToString("N")[..12]);
        var server = new SambaDomainController(root, address, other);
        Running[server] = 0;
        try
        {
            await RunAsync("cp", ["-a", template, root]);
            Directory.CreateDirectory(Path.Combine(root, "ca"));
            TestCertificateAuthority.Write(server.CaCertificatePath, Path.Combine(root, "tls", "server.pem"), Path.Combine(root, "tls", "server.key"), address);
            WriteConfiguration(root, [address, other]);
            var failure = await server.LaunchAsync();
            if (failure is not null)
            {
                throw new InvalidOperationException(failure);
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The known password of a seeded user: <c>LOGIN-Secret1</c>.</summary>
    /// <param name="login">The <c>sAMAccountName</c>.</param>
    /// <returns>The password.</returns>
    public static string UserPassword(string login) => DirectorySeed.PasswordOf(login);

    /// <inheritdoc />
    public string UserDn(string login) => _seed.UserDn(login);

    /// <inheritdoc />
    public string GroupDn(string name) => _seed.GroupDn(name);

    /// <summary>Adds entries as Administrator over ldaps (<c>ldapadd</c>).</summary>
    /// <param name="ldif">LDIF entries.</param>
    /// <returns>A task completing when added.</returns>
    /// <exception cref="InvalidOperationException">ldapadd failed; the message holds its output.</exception>
    public Task AddAsync(string ldif) => LdapToolAsync(_root, LdapsUrl, "ldapadd", [], ldif);

    /// <summary>Applies LDIF change records as Administrator over ldaps (<c>ldapmodify</c>).</summary>
    /// <param name="ldif">LDIF change records.</param>
    /// <returns>A task completing when applied.</returns>
    /// <exception cref="InvalidOperationException">ldapmodify failed; the message holds its output.</exception>
    public Task ModifyAsync(string ldif) => LdapToolAsync(_root, LdapsUrl, "ldapmodify", [], ldif);

    /// <summary>Replaces one attribute of an entry as Administrator.</summary>
    /// <param name="dn">The entry.</param>
    /// <param name="attribute">The attribute, e.g. <c>accountExpires</c>.</param>
    /// <param name="value">The new value.</param>
    /// <returns>A task completing when done.</returns>
    public Task ReplaceAsync(string dn, string attribute, string value) =>
        ModifyAsync($"dn: {dn}\nchangetype: modify\nreplace: {attribute}\n{attribute}: {value}\n");

    /// <inheritdoc />
    public Task RemoveMemberAsync(string group, string login) =>
        ModifyAsync($"dn: {GroupDn(group)}\nchangetype: modify\ndelete: member\nmember: {UserDn(login)}\n");

    /// <inheritdoc />
    public Task DisableAsync(string login) => ReplaceAsync(UserDn(login), "userAccountControl", "514");

    /// <inheritdoc />
    public Task DeleteUserAsync(string login) => LdapToolAsync(_root, LdapsUrl, "ldapdelete", [UserDn(login)], "");

    /// <inheritdoc />
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is not null)
        {
            await DirectoryProcess.StopAsync(process, wholeTree: true);
        }
    }

    /// <inheritdoc />
    public async Task StartAgainAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("samba is already running; call StopAsync first");
        }

        var failure = await LaunchAsync();
        if (failure is not null)
        {
            throw new InvalidOperationException(failure);
        }
    }

    /// <summary>Stops Samba and deletes its folder.</summary>
    /// <returns>A task completing when done.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Running.TryRemove(this, out _);
        DirectoryProcess.DeleteFolder(_root);
    }

    /// <summary>
    /// The provisioned, seeded template (once per process): <c>samba-tool domain provision</c> with no DNS, the password
    /// policy set, then Samba started on it to add the seed over ldaps, and stopped.
    /// </summary>
    private static async Task<string> TemplateAsync()
    {
        var (_, tool) = Installation();
        await TemplateGate.WaitAsync();
        try
        {
            if (_template is not null)
            {
                return _template;
            }

            var root = Path.Combine(Path.GetTempPath(), "paas-samba-template-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(root);
            try
            {
                await RunAsync(tool,
                [
                    "domain", "provision", "--use-rfc2307", $"--realm={Realm}", $"--domain={NetbiosDomain}", "--host-name=DC1",
                    "--server-role=dc", "--dns-backend=NONE", $"--targetdir={root}", $"--adminpass={AdministratorPassword}",
                    "--option=interfaces=127.0.0.1/8", "--option=bind interfaces only=yes",
                ]);
                await RunAsync(tool, ["domain", "passwordsettings", "set", "--complexity=off", "--min-pwd-age=0", "--account-lockout-threshold=3", "-H", Path.Combine(root, "private", "sam.ldb")]);

                // Seed through a running server: AD sets passwords (unicodePwd) and keeps memberOf only over LDAP.
                Directory.CreateDirectory(Path.Combine(root, "ca"));
                Directory.CreateDirectory(Path.Combine(root, "tls"));
                var (address, other) = FreeAddresses();
                TestCertificateAuthority.Write(Path.Combine(root, "ca", "ca.pem"), Path.Combine(root, "tls", "server.pem"), Path.Combine(root, "tls", "server.key"), address);
                WriteConfiguration(root, [address, other]);
                var seeding = new SambaDomainController(root, address, other);
                try
                {
                    var failure = await seeding.LaunchAsync();
                    if (failure is not null)
                    {
                        throw new InvalidOperationException(failure);
                    }

                    await LdapToolAsync(root, seeding.LdapsUrl, "ldapadd", [], seeding._seed.ActiveDirectoryLdif(seeding.ServiceBindPassword));
                }
                finally
                {
                    await seeding.StopAsync();
                }

                _template = root;
                return root;
            }
            catch
            {
                DirectoryProcess.DeleteFolder(root);
                throw;
            }
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    private static (string Samba, string Tool) Installation()
    {
        var samba = new[] { "/usr/sbin/samba", "/usr/local/samba/sbin/samba" }.FirstOrDefault(File.Exists);
        var tool = new[] { "/usr/bin/samba-tool", "/usr/local/samba/bin/samba-tool" }.FirstOrDefault(File.Exists);
        if (samba is null || tool is null || ExternalTool.Find("ldapadd") is null)
        {
            ExternalTool.SkipOrFail("Samba's AD domain controller is not installed here (apt-get install samba samba-ad-provision samba-dsdb-modules samba-vfs-modules ldap-utils).");
        }

        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            ExternalTool.SkipOrFail("Samba's LDAP server listens on the fixed ports 389 and 636, which only root may bind.");
        }

        return (samba!, tool!);
    }

    /// <summary>Two loopback addresses 127.x.y.z and 127.x.y.z+1 where nothing listens on 389 or 636.</summary>
    private static (IPAddress, IPAddress) FreeAddresses()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var bytes = new byte[] { 127, (byte)Random.Shared.Next(100, 200), (byte)Random.Shared.Next(0, 256), (byte)(Random.Shared.Next(1, 126) * 2) };
            var first = new IPAddress(bytes);
            bytes[3]++;
            var second = new IPAddress(bytes);
            if (new[] { first, second }.All(a => CanBind(a, 389) && CanBind(a, 636)))
            {
                return (first, second);
            }
        }

        throw new InvalidOperationException("no free loopback address for Samba after 50 tries");
    }

    private static bool CanBind(IPAddress address, int port)
    {
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void WriteConfiguration(string root, IPAddress[] addresses)
    {
        foreach (var folder in new[] { "etc", "lock", "state", "cache", "pid", "bind-dns" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
        }

        // Only the LDAP service: no smbd, kdc, dns or rpc, which would need more ports and are not what is tested.
        File.WriteAllText(Path.Combine(root, "etc", "smb.conf"), $"""
            [global]
                netbios name = DC1
                realm = {Realm}
                workgroup = {NetbiosDomain}
                server role = active directory domain controller
                server services = ldap
                interfaces = {string.Join(' ', addresses.Select(a => $"{a}/8"))}
                bind interfaces only = yes
                private dir = {root}/private
                lock directory = {root}/lock
                state directory = {root}/state
                cache directory = {root}/cache
                pid directory = {root}/pid
                binddns dir = {root}/bind-dns
                ncalrpc dir = {root}/lock/ncalrpc
                idmap_ldb:use rfc2307 = yes
                tls enabled = yes
                tls keyfile = {root}/tls/server.key
                tls certfile = {root}/tls/server.pem
                tls cafile = {root}/ca/ca.pem
            """);
    }

    /// <summary>Starts Samba in the foreground and waits until ldap and ldaps accept on both addresses; null when up, else why not.</summary>
    private async Task<string?> LaunchAsync()
    {
        var (samba, _) = Installation();
        var start = ChildProcess.StartInfo(samba, ["-i", "-M", "single", "--debuglevel=1", "-s", Path.Combine(_root, "etc", "smb.conf")], _root, new Dictionary<string, string?>());
        _log.Clear();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process; // standard input stays open: Samba exits when it closes
        var clock = Stopwatch.StartNew();
        foreach (var endpoint in new[] { Address, OtherAddress }.SelectMany(a => new[] { new IPEndPoint(a, 389), new IPEndPoint(a, 636) }))
        {
            while (!await DirectoryProcess.AcceptsAsync(endpoint))
            {
                if (process.HasExited || clock.Elapsed > StartLimit)
                {
                    var why = process.HasExited ? $"exited {process.ExitCode}" : $"not listening on {endpoint} after {StartLimit.TotalSeconds:0} s";
                    await StopAsync();
                    return $"samba did not start ({why}): {RecentLog}";
                }

                await Task.Delay(50);
            }
        }

        return null;
    }

    /// <summary>Runs an OpenLDAP tool as Administrator over ldaps, trusting only the controller's CA (through an ldap.conf of its own).</summary>
    private static async Task LdapToolAsync(string root, string url, string tool, string[] args, string stdin)
    {
        var conf = Path.Combine(root, "ldap.conf"); // written each time: a copy of the template holds the template's
        await File.WriteAllTextAsync(conf, $"TLS_CACERT {Path.Combine(root, "ca", "ca.pem")}\nTLS_REQCERT demand\n");

        var path = ExternalTool.Find(tool) ?? throw new InvalidOperationException($"{tool} is not installed (apt-get install ldap-utils)");
        var (exitCode, output, error) = await ChildProcess.RunAsync(
            path, ["-x", "-H", url, "-D", $"Administrator@{Realm}", "-w", AdministratorPassword, .. args], root,
            new Dictionary<string, string?> { ["LDAPCONF"] = conf, ["LDAPRC"] = "/dev/null" }, CancellationToken.None, stdin, TimeSpan.FromSeconds(30));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{tool} against {url} exited {exitCode}: {error.Trim()} {output.Trim()}");
        }
    }

    private static async Task RunAsync(string program, string[] args)
    {
        var (exitCode, output, error) = await ChildProcess.RunAsync(program, args, Path.GetTempPath(), new Dictionary<string, string?>(), CancellationToken.None, "", TimeSpan.FromMinutes(2));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args.Where(a => !a.Contains("pass", StringComparison.Ordinal)))} exited {exitCode}: {error.Trim()} {output.Trim()}");
        }
    }

    private void Log(string? line) => DirectoryProcess.Remember(_log, line);

    private void KillAndDelete()
    {
        DirectoryProcess.KillNow(_process, wholeTree: true);
        DirectoryProcess.DeleteFolder(_root);
    }
}
