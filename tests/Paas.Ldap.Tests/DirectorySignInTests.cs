using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Paas.Client;
using Paas.Testing;
using Paas.Testing.Ldap;
using Xunit;

namespace Paas.Ldap.Tests;

/// <summary>
/// The platform signing people in through a real directory (see <see cref="SlapdServer"/> for the seeded people and
/// groups): directory accounts and teams, wrong passwords, injection attempts, a directory that is down or misconfigured,
/// the admin group, app access through directory teams on the API, the registry and the git endpoint, and group or account
/// changes in the directory taking effect without a new sign-in. The scenarios taking a <c>server</c> run against both
/// slapd (the <c>openldap</c> flavor) and a Samba Active Directory domain controller (the <c>active_directory</c> flavor
/// with its defaults, over ldaps); AD's own behaviour is in <see cref="ActiveDirectorySignInTests"/>.
/// </summary>
public sealed class DirectorySignInTests
{
    /// <summary>slapd with the OpenLdap flavor.</summary>
    public const string Slapd = "slapd";

    /// <summary>Samba's AD domain controller.</summary>
    public const string Samba = "samba";

    private const string RootPassword = "root-password-1";

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Directory_users_sign_in_and_get_their_teams_and_admin_flag(string backend)
    {
        await using var directory = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        await using var platform = await StartAsync(directory, backend: backend);

        var (bob, bobInfo) = await SignInAsync(platform, "bob");
        Assert.Equal(("bob", "directory", "bob@example.com", "Bob Brown", false), (bobInfo.Username, bobInfo.Source, bobInfo.Email, bobInfo.DisplayName, bobInfo.IsAdmin));
        Assert.Equal(["developers"], bobInfo.Teams);

        // carol is in frontend, which is a member of developers: both are her teams.
        var (_, carol) = await SignInAsync(platform, "carol");
        Assert.Equal(["developers", "frontend"], carol.Teams);

        // alice is in paas-admins, the admin group: a platform admin, who may list users.
        var (alice, aliceInfo) = await SignInAsync(platform, "alice");
        Assert.True(aliceInfo.IsAdmin);
        var users = await alice.GetFromJsonAsync<PagedList<UserInfo>>("/v2/users", PaasJson.Options);
        Assert.Contains(users!.Results, u => u is { Username: "carol", Source: "directory" });

        // A DN that needs RFC 4514 escaping (cn=Smith\, John) signs in, and is read again by DN on refresh.
        var (_, smith) = await SignInAsync(platform, "jsmith");
        Assert.Equal(["viewers"], smith.Teams);

        // A login holding a filter wildcard is searched literally (x\2ay): its own password binds (then the name is
        // refused as a platform username), bob's does not.
        using (var anonymous = platform.Client())
        {
            await Problem(await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("x*y", SlapdServer.UserPassword("x*y")), PaasJson.Options), HttpStatusCode.Forbidden, "cannot be a platform username");
            await Problem(await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("x*y", SlapdServer.UserPassword("bob")), PaasJson.Options), HttpStatusCode.Unauthorized, "invalid username or password");
        }

        var teams = await alice.GetFromJsonAsync<PagedList<TeamInfo>>("/v2/teams", PaasJson.Options);
        Assert.Contains(teams!.Results, t => t is { Name: "developers", Source: "directory", Members: 2 });
        var developers = await bob.GetFromJsonAsync<TeamDetail>("/v2/teams/developers", PaasJson.Options);
        Assert.Equal(["bob", "carol"], developers!.Members);
        Assert.Equal(directory.GroupDn("developers"), developers.DirectoryDn, StringComparer.OrdinalIgnoreCase);

        // Directory teams are managed in the directory.
        var add = await alice.PostAsJsonAsync("/v2/teams/developers/members", new TeamMemberRequest("alice"), PaasJson.Options);
        await Problem(add, HttpStatusCode.Conflict, "managed in the directory");
        await Problem(await bob.PostAsJsonAsync("/v2/auth/passwd", new PasswordChangeRequest("bob-Secret1", "another-password"), PaasJson.Options), HttpStatusCode.BadRequest, "kept by the directory");
    }

    public static TheoryData<string, string, string> RefusedLogins()
    {
        (string Login, string Password)[] common =
        [
            ("bob", "wrong-password"), ("bob", ""), ("nobody", "whatever-password"), ("*", "bob-Secret1"), ("*)(uid=*", "bob-Secret1"),
            ("admin)(|(uid=*", "bob-Secret1"), ("bob)(|(uid=*", "bob-Secret1"), ("b*", "bob-Secret1"), ("bob\0", "bob-Secret1"),
        ];
        var data = new TheoryData<string, string, string>();
        foreach (var (login, password) in common)
        {
            data.Add(Slapd, login, password);
            data.Add(Samba, login, password);
        }

        data.Add(Slapd, "uid=bob,ou=people,dc=example,dc=com", "bob-Secret1");
        data.Add(Samba, "CN=Bob Brown,CN=Users,DC=corp,DC=example,DC=com", "bob-Secret1");
        data.Add(Samba, "*@example.com", "bob-Secret1");
        data.Add(Samba, "bob)(sAMAccountName=*", "bob-Secret1");
        data.Add(Samba, "CORP\\*", "bob-Secret1");
        data.Add(Samba, "CORP\\bob", "wrong-password");
        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedLogins))]
    public async Task Wrong_passwords_unknown_users_and_injection_attempts_answer_401(string server, string login, string password)
    {
        await using var directory = await DirectoryAsync(server);
        await using var platform = await StartAsync(directory);
        using var anonymous = platform.Client();
        var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest(login, password), PaasJson.Options);
        await Problem(response, HttpStatusCode.Unauthorized, "invalid username or password");
    }

    [Fact]
    public async Task A_directory_login_that_cannot_be_a_username_is_refused_with_the_reason()
    {
        await using var directory = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        await using var platform = await StartAsync(directory);
        using var anonymous = platform.Client();
        var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("o'brien", SlapdServer.UserPassword("o'brien")), PaasJson.Options);
        await Problem(response, HttpStatusCode.Forbidden, "cannot be a platform username");
    }

    [Theory]
    [InlineData(Slapd)]
    [InlineData(Samba)]
    public async Task A_directory_that_is_down_answers_503_and_local_admins_still_sign_in(string server)
    {
        await using var directory = await DirectoryAsync(server);
        await using var platform = await StartAsync(directory);
        await SignInAsync(platform, "bob");

        await directory.StopAsync();
        using var anonymous = platform.Client();
        var down = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SlapdServer.UserPassword("bob")), PaasJson.Options);
        await Problem(down, HttpStatusCode.ServiceUnavailable, "cannot be reached");
        await platform.LoginAsync("root", RootPassword);

        await directory.StartAgainAsync();
        await SignInAsync(platform, "bob");
    }

    [Theory]
    [InlineData(Slapd)]
    [InlineData(Samba)]
    public async Task A_misconfigured_directory_answers_503_with_what_to_check(string server)
    {
        await using var directory = await DirectoryAsync(server);
        await using (var wrongBind = await StartAsync(directory, new() { ["Paas:Ldap:BindPassword"] = "not-the-password", ["Paas:Ldap:BindPasswordFile"] = null }))
        {
            using var anonymous = wrongBind.Client();
            var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SlapdServer.UserPassword("bob")), PaasJson.Options);
            var problem = await Problem(response, HttpStatusCode.ServiceUnavailable, "refused the platform's service bind");
            Assert.DoesNotContain("not-the-password", problem, StringComparison.Ordinal);
        }

        await using var wrongBase = await StartAsync(directory, new() { ["Paas:Ldap:UserBase"] = "ou=nowhere," + directory.BaseDn });
        using (var anonymous = wrongBase.Client())
        {
            var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SlapdServer.UserPassword("bob")), PaasJson.Options);
            await Problem(response, HttpStatusCode.ServiceUnavailable, "PAAS_LDAP_USER_BASE");
        }
    }

    [Fact]
    public async Task Unknown_directory_users_need_an_admin_when_so_configured()
    {
        await using var directory = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        await using var platform = await StartAsync(directory, new() { ["Paas:Ldap:AllowUnknownUsers"] = "false" });
        using var anonymous = platform.Client();
        var refused = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SlapdServer.UserPassword("bob")), PaasJson.Options);
        await Problem(refused, HttpStatusCode.Forbidden, "paas users:add bob");

        var (root, _) = await platform.LoginAsync("root", RootPassword);
        Assert.Equal(HttpStatusCode.Created, (await root.PostAsJsonAsync("/v2/users", new UserCreateRequest("bob"), PaasJson.Options)).StatusCode);
        var (_, bob) = await SignInAsync(platform, "bob");
        Assert.Equal(["developers"], bob.Teams);
    }

    [Fact]
    public async Task A_local_account_keeps_its_name_from_a_directory_account()
    {
        await using var directory = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        await using var platform = await StartAsync(directory);
        var (root, _) = await platform.LoginAsync("root", RootPassword);
        Assert.Equal(HttpStatusCode.Created, (await root.PostAsJsonAsync("/v2/auth/register", new RegisterRequest("erin", "local-password-1"), PaasJson.Options)).StatusCode);

        using var anonymous = platform.Client();
        var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("erin", SlapdServer.UserPassword("erin")), PaasJson.Options);
        await Problem(response, HttpStatusCode.Unauthorized, "invalid username or password");
        await platform.LoginAsync("erin", "local-password-1");
    }

    [Theory]
    [InlineData(Slapd, Backend.Sqlite)]
    [InlineData(Slapd, Backend.Postgres)]
    [InlineData(Samba, Backend.Sqlite)]
    public async Task Directory_teams_give_their_role_on_the_api_registry_and_git_and_lose_it_when_the_directory_changes(string server, string backend)
    {
        await using var directory = await DirectoryAsync(server);
        await using var platform = await StartAsync(directory, new() { ["Paas:Ldap:RefreshInterval"] = "00:00:01" }, backend);
        var (root, _) = await platform.LoginAsync("root", RootPassword);
        await Created(await root.PostAsJsonAsync("/v2/apps", new AppCreateRequest("shop"), PaasJson.Options));

        // Shared before any member signed in: the groups are looked up in the directory by name.
        await Created(await root.PostAsJsonAsync("/v2/apps/shop/perms", new PermissionCreateRequest(null, "deploy", "developers"), PaasJson.Options));
        await Created(await root.PostAsJsonAsync("/v2/apps/shop/perms", new PermissionCreateRequest(null, "view", "Viewers"), PaasJson.Options));
        await Problem(await root.PostAsJsonAsync("/v2/apps/shop/perms", new PermissionCreateRequest(null, "view", "*"), PaasJson.Options), HttpStatusCode.BadRequest, "not a valid team name");
        await Problem(await root.PostAsJsonAsync("/v2/apps/shop/perms", new PermissionCreateRequest(null, "view", "nosuchgroup"), PaasJson.Options), HttpStatusCode.BadRequest, "no group of that name");

        var (bob, bobToken) = await SignInTokenAsync(platform, "bob");
        var (carol, _) = await SignInTokenAsync(platform, "carol");
        var (dave, daveToken) = await SignInTokenAsync(platform, "dave");
        var (erin, _) = await SignInTokenAsync(platform, "erin");

        // API: deploy for developers (carol through nested frontend), view for viewers, nothing for ops.
        var set = new ConfigUpdateRequest(new Dictionary<string, string?> { ["A"] = "1" });
        await Created(await bob.PostAsJsonAsync("/v2/apps/shop/config", set, PaasJson.Options));
        Assert.Equal("deploy", (await carol.GetFromJsonAsync<PermissionInfo>("/v2/apps/shop/access", PaasJson.Options))!.Role);
        Assert.Equal(HttpStatusCode.OK, (await dave.GetAsync("/v2/apps/shop/releases")).StatusCode);
        await Problem(await dave.PostAsJsonAsync("/v2/apps/shop/config", set, PaasJson.Options), HttpStatusCode.Forbidden, "your role on shop is view; this needs deploy");
        await Problem(await bob.DeleteAsync("/v2/apps/shop"), HttpStatusCode.Forbidden, "this needs admin");
        await Problem(await erin.GetAsync("/v2/apps/shop"), HttpStatusCode.NotFound, "there is no app named 'shop' that you can access");
        Assert.Equal(["shop"], (await bob.GetFromJsonAsync<PagedList<AppInfo>>("/v2/apps", PaasJson.Options))!.Results.Select(a => a.Name));

        // Registry: viewers pull, developers push.
        using (var registry = Basic(platform.RegistryUrl, "dave", daveToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await registry.GetAsync("/v2/shop/manifests/latest")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await registry.PostAsync("/v2/shop/blobs/uploads/", null)).StatusCode);
        }

        using (var registry = Basic(platform.RegistryUrl, "bob", bobToken))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await registry.PostAsync("/v2/shop/blobs/uploads/", null)).StatusCode);
        }

        // Git: viewers may not push, developers may.
        using (var git = Basic(platform.ApiUrl, "dave", daveToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await git.GetAsync("/shop.git/info/refs?service=git-receive-pack")).StatusCode);
        }

        using (var git = Basic(platform.ApiUrl, "bob", bobToken))
        {
            Assert.Equal(HttpStatusCode.OK, (await git.GetAsync("/shop.git/info/refs?service=git-receive-pack")).StatusCode);
        }

        // Removed from developers in the directory: bob's next request after the refresh interval has no access, with
        // the same token and no new sign-in.
        await directory.RemoveMemberAsync("developers", "bob");

        // The background refresh notices first, before bob uses his token again.
        await Eventually(async () => !(await root.GetFromJsonAsync<TeamDetail>("/v2/teams/developers", PaasJson.Options))!.Members.Contains("bob"));
        await Eventually(async () => (await bob.GetAsync("/v2/apps/shop")).StatusCode == HttpStatusCode.NotFound); // no role left: the answer of an app that does not exist
        Assert.Equal("deploy", (await carol.GetFromJsonAsync<PermissionInfo>("/v2/apps/shop/access", PaasJson.Options))!.Role);
        using (var registry = Basic(platform.RegistryUrl, "bob", bobToken))
        {
            // The registry may remember an allowed access for its auth cache lifetime (Registry:AuthCacheLifetime, 5 s).
            await Eventually(async () => (await registry.PostAsync("/v2/shop/blobs/uploads/", null)).StatusCode == HttpStatusCode.Forbidden);
        }

        // Deleted from the directory: dave loses every access, the token stops working.
        await directory.DeleteUserAsync("dave");
        await Eventually(async () => (await dave.GetAsync("/v2/auth/whoami")).StatusCode == HttpStatusCode.Unauthorized);
        using (var registry = Basic(platform.RegistryUrl, "dave", daveToken))
        {
            await Eventually(async () => (await registry.GetAsync("/v2/")).StatusCode == HttpStatusCode.Unauthorized);
        }

        var users = await root.GetFromJsonAsync<PagedList<UserInfo>>("/v2/users", PaasJson.Options);
        Assert.False(users!.Results.Single(u => u.Username == "dave").IsActive);
    }

    [Fact]
    public async Task While_the_directory_is_down_the_last_read_stands_for_the_outage_grace_then_503()
    {
        await using var directory = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap);
        await using var platform = await StartAsync(directory, new() { ["Paas:Ldap:RefreshInterval"] = "00:00:01", ["Paas:Ldap:OutageGrace"] = "00:00:03" });
        var (bob, _) = await SignInTokenAsync(platform, "bob");
        await directory.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/v2/auth/whoami")).StatusCode);
        await Eventually(async () => (await bob.GetAsync("/v2/auth/whoami")).StatusCode == HttpStatusCode.ServiceUnavailable);
        await Problem(await bob.GetAsync("/v2/auth/whoami"), HttpStatusCode.ServiceUnavailable, "cannot be reached");
        await directory.StartAgainAsync();
        await Eventually(async () => (await bob.GetAsync("/v2/auth/whoami")).StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Active_directory_users_sign_in_by_account_name_or_principal_name_and_disabled_ones_cannot()
    {
        await using var directory = await SlapdServer.StartAsync(DirectoryFlavor.ActiveDirectoryLike);
        await using var platform = await StartAsync(directory, ActiveDirectorySettings(directory));

        var (_, bob) = await SignInAsync(platform, "bob");
        Assert.Equal(("bob", "Bob Brown"), (bob.Username, bob.DisplayName));
        Assert.Equal(["developers"], bob.Teams);

        using var anonymous = platform.Client();
        var byPrincipal = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("carol@example.com", SlapdServer.UserPassword("carol")), PaasJson.Options);
        var token = await byPrincipal.Content.ReadFromJsonAsync<TokenResponse>(PaasJson.Options);
        Assert.Equal(HttpStatusCode.OK, byPrincipal.StatusCode);
        Assert.Equal("carol", token!.Username);

        var (alice, aliceInfo) = await SignInAsync(platform, "alice");
        Assert.True(aliceInfo.IsAdmin);
        var carol = (await alice.GetFromJsonAsync<PagedList<UserInfo>>("/v2/users", PaasJson.Options))!.Results.Single(u => u.Username == "carol");
        Assert.Equal(["developers", "frontend"], carol.Teams);

        // frank's account is disabled (userAccountControl 514). slapd accepts his password, as AD would not; the platform
        // refuses the account itself, with the reason (only after the right password).
        var frank = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("frank", SlapdServer.UserPassword("frank")), PaasJson.Options);
        await Problem(frank, HttpStatusCode.Forbidden, "your directory account may not sign in: the account is disabled in the directory");
        var frankWrong = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("frank", "not-franks-password"), PaasJson.Options);
        await Problem(frankWrong, HttpStatusCode.Unauthorized, "invalid username or password");

        // Disabling bob after he signed in ends his access at the next refresh.
        var (bobClient, _) = await SignInTokenAsync(platform, "bob");
        await directory.ModifyAsync($"dn: {directory.UserDn("bob")}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n");
        await Eventually(async () => (await bobClient.GetAsync("/v2/auth/whoami")).StatusCode == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Ldaps_and_StartTls_sign_in_with_the_configured_ca_and_an_untrusted_certificate_is_a_503()
    {
        await using var directory = await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap, tls: true);
        await using (var ldaps = await StartAsync(directory, new() { ["Paas:Ldap:Url"] = directory.LdapsUrl, ["Paas:Ldap:CaFile"] = directory.CaCertificatePath }))
        {
            var (_, bob) = await SignInAsync(ldaps, "bob");
            Assert.Equal(["developers"], bob.Teams);
        }

        await using (var startTls = await StartAsync(directory, new() { ["Paas:Ldap:StartTls"] = "true", ["Paas:Ldap:CaFile"] = directory.CaCertificatePath }))
        {
            await SignInAsync(startTls, "carol");
        }

        await using var untrusted = await StartAsync(directory, new() { ["Paas:Ldap:Url"] = directory.LdapsUrl });
        using var anonymous = untrusted.Client();
        var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest("bob", SlapdServer.UserPassword("bob")), PaasJson.Options);
        await Problem(response, HttpStatusCode.ServiceUnavailable, "PAAS_LDAP_CA_FILE");
    }

    private static Dictionary<string, string?> ActiveDirectorySettings(SlapdServer directory) => new()
    {
        ["Paas:Ldap:Flavor"] = "active_directory",

        // As the default, without objectCategory (the AD-like schema has none).
        ["Paas:Ldap:UserFilter"] = "(&(objectClass=user)(|(sAMAccountName={0})(userPrincipalName={0})))",

        // slapd does not implement the in-chain rule AD's default group filter uses: read memberOf and walk nesting.
        ["Paas:Ldap:GroupMembershipAttribute"] = "memberOf",
        ["Paas:Ldap:NestedGroups"] = "true",
        ["Paas:Ldap:RefreshInterval"] = "00:00:01",
    };

    /// <summary>A seeded directory: slapd (OpenLdap flavor) or Samba.</summary>
    internal static async Task<ITestDirectory> DirectoryAsync(string server) => server switch
    {
        Slapd => await SlapdServer.StartAsync(DirectoryFlavor.OpenLdap),
        Samba => await SambaDomainController.StartAsync(),
        _ => throw new ArgumentException($"unknown directory server '{server}'", nameof(server)),
    };

    /// <summary>
    /// A platform signing in through <paramref name="directory"/>: the service bind, the user and group bases, the admin
    /// group <c>paas-admins</c>; against AD the <c>active_directory</c> flavor with its default filters over ldaps with the
    /// directory's CA, as an AD admin would set it up.
    /// </summary>
    internal static async Task<TestPlatform> StartAsync(ITestDirectory directory, Dictionary<string, string?>? extra = null, string backend = Backend.Sqlite, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var passwordFile = Path.Combine(Path.GetTempPath(), "paas-ldap-bind-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(passwordFile, directory.ServiceBindPassword + "\n");
        var settings = new Dictionary<string, string?>
        {
            ["Paas:Ldap:Url"] = directory.Url,
            ["Paas:Ldap:BindDn"] = directory.ServiceBindDn,
            ["Paas:Ldap:BindPasswordFile"] = passwordFile,
            ["Paas:Ldap:UserBase"] = directory.UserBase,
            ["Paas:Ldap:GroupBase"] = directory.GroupBase,
            ["Paas:Ldap:AdminGroup"] = "paas-admins",
        };
        if (directory.Flavor == DirectoryFlavor.ActiveDirectory)
        {
            settings["Paas:Ldap:Flavor"] = "active_directory";
            settings["Paas:Ldap:Url"] = directory.LdapsUrl;
            settings["Paas:Ldap:CaFile"] = directory.CaCertificatePath;
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var platform = await TestPlatform.StartAsync(backend, settings, services);
        using var anonymous = platform.Client();
        (await anonymous.PostAsJsonAsync("/v2/auth/register", new RegisterRequest("root", RootPassword), PaasJson.Options)).EnsureSuccessStatusCode();
        return platform;
    }

    internal static async Task<(HttpClient Client, UserInfo User)> SignInAsync(TestPlatform platform, string login, string? password = null)
    {
        var (client, _) = await SignInTokenAsync(platform, login, password);
        var me = await client.GetFromJsonAsync<UserInfo>("/v2/auth/whoami", PaasJson.Options);
        return (client, me!);
    }

    internal static async Task<(HttpClient Client, string Token)> SignInTokenAsync(TestPlatform platform, string login, string? password = null)
    {
        using var anonymous = platform.Client();
        var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest(login, password ?? SlapdServer.UserPassword(login)), PaasJson.Options);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"sign-in of {login}: {(int)response.StatusCode} {text}");
        var token = System.Text.Json.JsonSerializer.Deserialize<TokenResponse>(text, PaasJson.Options)!.Token;
        var client = platform.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
        return (client, token);
    }

    private static HttpClient Basic(string baseUrl, string user, string secret)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return client;
    }

    private static async Task Created(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"expected 201, got {(int)response.StatusCode}: {text}");
    }

    internal static async Task<string> Problem(HttpResponseMessage response, HttpStatusCode status, string fragment)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(fragment, text, StringComparison.Ordinal);
        return text;
    }

    /// <summary>Polls <paramref name="condition"/> for up to 20 s (refreshes happen on use after a 1 s interval).</summary>
    internal static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 20 s");
            await Task.Delay(250);
        }
    }
}
