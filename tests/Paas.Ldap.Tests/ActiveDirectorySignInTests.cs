using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paas.Client;
using Paas.Testing.Ldap;
using Xunit;
using static Paas.Ldap.Tests.DirectorySignInTests;

namespace Paas.Ldap.Tests;

/// <summary>
/// The platform against a real Active Directory (a Samba 4 domain controller, <see cref="SambaDomainController"/>) with
/// the <c>active_directory</c> flavor's defaults: the login forms AD users type, account states that AD refuses at bind
/// and the platform must also end at the refresh, AD's refusal of plain-text binds, certificate problems told apart,
/// and who may sign in at all (the required group, never the service account) and which groups become teams.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ActiveDirectorySignInTests
{
    [Fact]
    public async Task Users_sign_in_by_account_name_principal_name_or_domain_login_with_nested_teams_and_another_domain_is_refused()
    {
        await using var directory = await SambaDomainController.StartAsync();
        await using var platform = await StartAsync(directory);

        var (_, bob) = await SignInAsync(platform, "bob");
        Assert.Equal(("bob", "Bob Brown", "bob@example.com"), (bob.Username, bob.DisplayName, bob.Email));
        Assert.Equal(["developers"], bob.Teams);

        // userPrincipalName; DOMAIN\login in any case; carol is in frontend, a member of developers (AD's in-chain rule).
        var (_, carol) = await SignInAsync(platform, "carol@example.com", SambaDomainController.UserPassword("carol"));
        Assert.Equal("carol", carol.Username);
        Assert.Equal(["developers", "frontend"], carol.Teams);
        var (_, dave) = await SignInAsync(platform, @"CORP\dave", SambaDomainController.UserPassword("dave"));
        Assert.Equal("dave", dave.Username);
        Assert.Equal(["viewers"], dave.Teams);
        var (_, erin) = await SignInAsync(platform, @"corp\Erin", SambaDomainController.UserPassword("erin"));
        Assert.Equal("erin", erin.Username);
        var (_, alice) = await SignInAsync(platform, "alice");
        Assert.True(alice.IsAdmin);

        using var anonymous = platform.Client();
        var otherDomain = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest(@"OTHER\bob", SambaDomainController.UserPassword("bob")), PaasJson.Options);
        await Problem(otherDomain, HttpStatusCode.Forbidden, @"'OTHER' is not the Windows domain of this platform's directory: sign in as CORP\\bob");

        // frank is disabled: AD refuses the bind (data 533), a plain 401.
        var frank = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("frank", SambaDomainController.UserPassword("frank")), PaasJson.Options);
        await Problem(frank, HttpStatusCode.Unauthorized, "invalid username or password");
    }

    [Fact]
    public async Task Expired_locked_out_password_must_change_and_disabled_accounts_lose_access_at_the_refresh()
    {
        await using var directory = await SambaDomainController.StartAsync();
        await using var platform = await StartAsync(directory, new() { ["Paas:Ldap:RefreshInterval"] = "00:00:01" });
        var (alice, _) = await SignInTokenAsync(platform, "alice");
        var (bob, _) = await SignInTokenAsync(platform, "bob");
        var (dave, _) = await SignInTokenAsync(platform, "dave");
        var (erin, _) = await SignInTokenAsync(platform, "erin");
        var (carol, _) = await SignInTokenAsync(platform, "carol");
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/v2/users")).StatusCode); // a platform admin

        // alice's account expired yesterday (accountExpires is a FILETIME); bob is locked out by three wrong passwords
        // (the domain's lockout threshold); dave must change his password (pwdLastSet 0); erin is disabled.
        await directory.ReplaceAsync(directory.UserDn("alice"), "accountExpires", DateTime.UtcNow.AddDays(-1).ToFileTimeUtc().ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var wrong = SambaDomainControllerTests.Connect(directory.Address, 636, ldaps: true, trust: directory);
            Assert.Throws<System.DirectoryServices.Protocols.LdapException>(() => wrong.Bind(new NetworkCredential(directory.UserDn("bob"), "not-bobs-password")));
        }

        await directory.ReplaceAsync(directory.UserDn("dave"), "pwdLastSet", "0");
        await directory.DisableAsync("erin");

        foreach (var client in new[] { alice, bob, dave, erin })
        {
            await Eventually(async () => (await client.GetAsync("/v2/auth/whoami")).StatusCode == HttpStatusCode.Unauthorized);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.GetAsync("/v2/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carol.GetAsync("/v2/auth/whoami")).StatusCode);

        // A new sign-in is refused too (AD answers data 701, 775, 773, 533).
        using var anonymous = platform.Client();
        foreach (var login in new[] { "alice", "bob", "dave", "erin" })
        {
            var again = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest(login, SambaDomainController.UserPassword(login)), PaasJson.Options);
            await Problem(again, HttpStatusCode.Unauthorized, "invalid username or password");
        }
    }

    [Fact]
    public async Task Plain_ldap_answers_503_saying_the_server_requires_signing_or_tls_and_logs_it_and_StartTls_works()
    {
        await using var directory = await SambaDomainController.StartAsync();
        var log = new LogRecorder();
        await using (var plain = await StartAsync(directory, new() { ["Paas:Ldap:Url"] = directory.Url }, services: s => s.AddSingleton<ILoggerProvider>(log)))
        {
            using var anonymous = plain.Client();
            var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SambaDomainController.UserPassword("bob")), PaasJson.Options);
            var problem = await Problem(response, HttpStatusCode.ServiceUnavailable, $"the directory at {directory.Url} requires signing or TLS for password binds");
            Assert.Contains("PAAS_LDAP_START_TLS=true", problem, StringComparison.Ordinal);
            Assert.Contains($"ldaps://{directory.Address}:636", problem, StringComparison.Ordinal);
            Assert.Contains("see paasd's log", problem, StringComparison.Ordinal);
            Assert.Contains(log.Lines, l => l.Contains("requires signing or TLS", StringComparison.Ordinal) && l.Contains("Strong authentication is required", StringComparison.Ordinal));
        }

        await using var startTls = await StartAsync(directory, new() { ["Paas:Ldap:Url"] = directory.Url, ["Paas:Ldap:StartTls"] = "true" });
        var (_, bob) = await SignInAsync(startTls, "bob");
        Assert.Equal(["developers"], bob.Teams);
    }

    [Fact]
    public async Task A_certificate_that_does_not_name_the_host_is_told_apart_from_an_untrusted_ca()
    {
        await using var directory = await SambaDomainController.StartAsync();
        var other = directory.OtherAddress.ToString();
        await using (var mismatch = await StartAsync(directory, new() { ["Paas:Ldap:Url"] = $"ldaps://{other}" }))
        {
            using var anonymous = mismatch.Client();
            var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SambaDomainController.UserPassword("bob")), PaasJson.Options);
            var problem = await Problem(response, HttpStatusCode.ServiceUnavailable, $"its certificate does not name '{other}' (it names {directory.Address})");
            Assert.DoesNotContain("not signed by", problem, StringComparison.Ordinal);
        }

        await using (var mismatchStartTls = await StartAsync(directory, new() { ["Paas:Ldap:Url"] = $"ldap://{other}", ["Paas:Ldap:StartTls"] = "true" }))
        {
            using var anonymous = mismatchStartTls.Client();
            var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SambaDomainController.UserPassword("bob")), PaasJson.Options);
            await Problem(response, HttpStatusCode.ServiceUnavailable, $"its certificate does not name '{other}'");
        }

        await using (var untrusted = await StartAsync(directory, new() { ["Paas:Ldap:CaFile"] = null }))
        {
            using var anonymous = untrusted.Client();
            var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SambaDomainController.UserPassword("bob")), PaasJson.Options);
            var problem = await Problem(response, HttpStatusCode.ServiceUnavailable, "is not signed by a CA this machine trusts: set PAAS_LDAP_CA_FILE");
            Assert.DoesNotContain("does not name", problem, StringComparison.Ordinal);
        }

        // Another CA than the server's, and the wrong name: both causes are named.
        var otherCa = Path.Combine(Path.GetTempPath(), "paas-other-ca-" + Guid.NewGuid().ToString("N")[..8] + ".pem");
        await File.WriteAllTextAsync(otherCa, System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(OtherCaCertificate()).ExportCertificatePem());
        try
        {
            await using var both = await StartAsync(directory, new() { ["Paas:Ldap:Url"] = $"ldaps://{other}", ["Paas:Ldap:CaFile"] = otherCa });
            using var anonymous = both.Client();
            var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SambaDomainController.UserPassword("bob")), PaasJson.Options);
            var problem = await Problem(response, HttpStatusCode.ServiceUnavailable, $"its certificate does not name '{other}'");
            Assert.Contains($"is not signed by a CA in PAAS_LDAP_CA_FILE '{otherCa}'", problem, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(otherCa);
        }
    }

    [Fact]
    public async Task Only_the_required_group_signs_in_never_the_service_account_and_the_team_prefix_keeps_built_in_groups_out()
    {
        await using var directory = await SambaDomainController.StartAsync();

        // Users and groups searched from the domain's root: the service account, Administrator and AD's built-in groups are found too.
        var everything = new Dictionary<string, string?> { ["Paas:Ldap:UserBase"] = directory.BaseDn, ["Paas:Ldap:GroupBase"] = directory.BaseDn };
        await using (var open = await StartAsync(directory, everything))
        {
            var (_, administrator) = await SignInAsync(open, "Administrator", SambaDomainController.AdministratorPassword);
            Assert.Contains("domain admins", administrator.Teams ?? []);
            Assert.Contains("denied rodc password replication group", administrator.Teams ?? []);

            using var anonymous = open.Client();
            foreach (var service in new[] { "paas-service", "paas-service@example.com", @"CORP\paas-service" })
            {
                var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest(service, directory.ServiceBindPassword), PaasJson.Options);
                await Problem(response, HttpStatusCode.Forbidden, "the platform's own service account (PAAS_LDAP_BIND_DN), which may not sign in");
            }
        }

        // paas-users holds developers (so bob and, nested twice, carol) and alice.
        await directory.AddAsync($"dn: CN=paas-users,{directory.GroupBase}\nobjectClass: group\nsAMAccountName: paas-users\nmember: {directory.GroupDn("developers")}\nmember: {directory.UserDn("alice")}\n");
        var limited = new Dictionary<string, string?>(everything)
        {
            ["Paas:Ldap:RequiredGroup"] = "paas-users",
            ["Paas:Ldap:TeamPrefix"] = "paas-",
            ["Paas:Ldap:RefreshInterval"] = "00:00:01",
        };
        await using var platform = await StartAsync(directory, limited);
        var (bob, bobInfo) = await SignInAsync(platform, "bob");
        Assert.Equal(["paas-users"], bobInfo.Teams);
        var (_, carol) = await SignInAsync(platform, "carol");
        Assert.Equal(["paas-users"], carol.Teams);
        var (_, alice) = await SignInAsync(platform, "alice");
        Assert.True(alice.IsAdmin);
        Assert.Equal(["paas-admins", "paas-users"], alice.Teams);

        using (var anonymous = platform.Client())
        {
            foreach (var (login, password) in new[] { ("dave", SambaDomainController.UserPassword("dave")), ("Administrator", SambaDomainController.AdministratorPassword) })
            {
                var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest(login, password), PaasJson.Options);
                await Problem(response, HttpStatusCode.Forbidden, "only members of the directory group 'paas-users' may sign in");
            }
        }

        // Taken out of the required group (developers leaves paas-users): bob's token stops at the next refresh.
        await directory.ModifyAsync($"dn: CN=paas-users,{directory.GroupBase}\nchangetype: modify\ndelete: member\nmember: {directory.GroupDn("developers")}\n");
        await Eventually(async () => (await bob.GetAsync("/v2/auth/whoami")).StatusCode == HttpStatusCode.Unauthorized);
    }

    /// <summary>The DER of a CA certificate that signed nothing the directory uses.</summary>
    private static byte[] OtherCaCertificate()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Some other CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return ca.RawData;
    }

    /// <summary>Records what the platform logs (a hand-written provider; messages with their exception).</summary>
    private sealed class LogRecorder : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{logLevel} {formatter(state, exception)} {exception}");

        public void Dispose()
        {
        }
    }
}
