using System.Text.Json;

namespace Paas.Cli.Tests.EndToEnd;

/// <summary>
/// Runs the real <c>paas</c> binary (<c>dotnet paas.dll</c>, HOME in a temp folder) against the real
/// <c>paasd</c> on loopback: register, create in a git repository, config, releases, rollback, destroy.
/// </summary>
public sealed class CliEndToEndTests : IAsyncLifetime
{
    private PaasdProcess? _paasd;
    private string _home = "";
    private string _repo = "";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Url => _paasd!.Url.AbsoluteUri.TrimEnd('/');

    public async ValueTask InitializeAsync()
    {
        _home = Directory.CreateTempSubdirectory("paas-e2e-home-").FullName;
        _repo = Directory.CreateTempSubdirectory("paas-e2e-repo-").FullName;
        _paasd = await PaasdProcess.StartAsync(Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        if (_paasd is not null)
        {
            await _paasd.DisposeAsync();
        }

        Directory.Delete(_home, recursive: true);
        Directory.Delete(_repo, recursive: true);
    }

    [Fact]
    public async Task Register_create_config_releases_rollback_and_destroy()
    {
        var register = await PaasOk(_home, "register", Url, "--username", "alice", "--password", "correct-horse-battery");
        Assert.Contains("Logged in as alice", register);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_home, ".paas", "config.json")));
        }

        Assert.Equal("alice\n", await PaasOk(_home, "whoami"));

        await GitOk("init", "-q", "-b", "master");
        var create = await PaasOk(_repo, "create", "hello");
        Assert.Contains("Creating hello... done", create);
        Assert.Contains($"{Url}/hello.git", create);
        Assert.Equal($"{Url}/hello.git", (await GitOk("remote", "get-url", "paas")).Trim());
        Assert.Contains("git:credentials", await GitOk("config", "--get-all", $"credential.{Url}.helper"));

        // git asks paas for the platform's credentials (what `git push paas master` will do).
        var host = _paasd!.Url.Authority;
        var fill = await ChildProcess.RunAsync("git", ["credential", "fill"], _repo, Environment(), Cancel, $"protocol=http\nhost={host}\npath=hello.git\n\n");
        Assert.True(fill.ExitCode == 0, fill.Error);
        Assert.Contains("username=alice\n", fill.Out);
        Assert.Contains("password=paas_", fill.Out);

        // From here on the app comes from the `paas` git remote. A rollback needs a release with a build
        // (the platform refuses to roll back to one without), so deploy first: `git push paas master` with paas
        // as git's credential helper (nothing is typed) builds and runs a tiny Procfile app: v2.
        await File.WriteAllTextAsync(Path.Combine(_repo, "Procfile"), "web: python3 -m http.server $PORT --bind 127.0.0.1\n", Cancel);
        await GitOk("add", "-A");
        await GitOk("-c", "user.name=alice", "-c", "user.email=alice@example.test", "commit", "-q", "-m", "init");
        var push = await Git("push", "paas", "master");
        Assert.True(push.ExitCode == 0, push.Error);
        Assert.Contains("remote:        Released v2", push.Error);
        Assert.Contains(":", await PaasOk(_repo, "builds"));

        // paas pull of an image that does not exist: the release is recorded as failed and the app keeps v2.
        var pull = await Paas(_repo, "pull", "127.0.0.1:9/nothing:1", "--procfile", "web: ./server");
        Assert.Equal(1, pull.ExitCode);
        Assert.Contains("v3 was recorded but failed to deploy", pull.Error);
        Assert.Contains("Setting A, B and restarting hello... done, v4", await PaasOk(_repo, "config:set", "A=1", "B=2"));
        Assert.Contains("Unsetting B and restarting hello... done, v5", await PaasOk(_repo, "config:unset", "B"));
        Assert.Equal("=== hello Config Vars\nA: 1\n", await PaasOk(_repo, "config"));
        Assert.Equal("1\n", await PaasOk(_repo, "config:get", "A"));

        var releases = Lines(await PaasOk(_repo, "releases"));
        Assert.StartsWith("=== hello Releases", releases[0]);
        Assert.Equal(["v5", "v4", "v3", "v2", "v1"], releases.Skip(1).Select(l => l.Split(' ')[0]));
        Assert.All(releases.Skip(1), l => Assert.Contains("  alice  ", l));

        Assert.Contains("Rolling back hello to v2... done, v6", await PaasOk(_repo, "rollback", "v2"));
        releases = Lines(await PaasOk(_repo, "releases"));
        Assert.StartsWith("v6 ", releases[1]);
        Assert.Contains("rolled back to v2", releases[1]);
        Assert.Equal("=== hello Config Vars\n", await PaasOk(_repo, "config"));

        Assert.Contains("Rolling back hello to v4... done, v7", await PaasOk(_repo, "releases:rollback", "v4"));
        Assert.Equal("=== hello Config Vars\nA: 1\nB: 2\n", await PaasOk(_repo, "config"));
        using (var json = JsonDocument.Parse(await PaasOk(_repo, "releases:info", "v7", "--json")))
        {
            Assert.Equal(7, json.RootElement.GetProperty("version").GetInt32());
            Assert.Equal("2", json.RootElement.GetProperty("config").GetProperty("B").GetString());
        }

        // config --shell quotes what sh would otherwise read as something else (Heroku's config -s escapes too): its
        // lines, sourced, give back each value, a multi-line one with quotes, $, backquotes and & included.
        const string Tricky = "it's \"$HOME\" & `date`\n  line 2\\";
        await PaasOk(_repo, "config:set", "C=" + Tricky);
        var env = Path.Combine(_home, "hello.env");
        await File.WriteAllTextAsync(env, await PaasOk(_repo, "config", "--shell"), Cancel);
        var sourced = await ChildProcess.RunAsync("sh", ["-c", ". \"$0\" && printf '%s|%s|%s' \"$A\" \"$B\" \"$C\"", env], _home, Environment(), Cancel);
        Assert.Equal("1|2|" + Tricky, sourced.Out);

        // config:pull writes the same lines to .env, readable by its owner only, and never replaces a file unasked;
        // config:push sets what a .env says (hand-written lines too) in one release, and refuses what sh would read otherwise.
        var pulled = await Paas(_repo, "config:pull");
        Assert.Equal((0, "Wrote 3 config vars of hello to .env\n"), (pulled.ExitCode, pulled.Out));
        Assert.Equal(" !    .env holds hello's config vars and git would commit it: add it to .gitignore.\n", pulled.Error);
        var dotEnv = Path.Combine(_repo, ".env");
        Assert.Equal(await PaasOk(_repo, "config", "--shell"), await File.ReadAllTextAsync(dotEnv, Cancel));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dotEnv));
        }

        var exists = await Paas(_repo, "config:pull");
        Assert.Equal(1, exists.ExitCode);
        Assert.Contains(".env exists; `paas config:pull --overwrite` replaces it", exists.Error, StringComparison.Ordinal);
        await File.AppendAllTextAsync(dotEnv, "# added by hand\nexport D=\"four \\$4\"\nE='five'  # a comment\n", Cancel);
        var pushed = await PaasOk(_repo, "config:push");
        Assert.Matches(@"^Setting A, B, C, D, E and restarting hello\.\.\. done, v\d+\n", pushed);
        Assert.Equal("four $4\n", await PaasOk(_repo, "config:get", "D"));
        Assert.Equal(Tricky + "\n", await PaasOk(_repo, "config:get", "C"));
        var piped = await WithPaasdLog(ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, "config:push", "-p", "-"], _repo, Environment(), Cancel, "F=from-stdin\n"));
        Assert.True(piped.ExitCode == 0, piped.Error);
        Assert.Equal("from-stdin\n", await PaasOk(_repo, "config:get", "F"));
        var latest = Lines(await PaasOk(_repo, "releases"))[1].Split(' ')[0];
        await File.WriteAllTextAsync(Path.Combine(_repo, "bad.env"), "G=fine\nHOME_DIR=$HOME\n", Cancel);
        var bad = await Paas(_repo, "config:push", "--path", "bad.env");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("bad.env line 2: an unquoted $ would be expanded by sh", bad.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was set.", bad.Error, StringComparison.Ordinal);
        var missing = await Paas(_repo, "config:push", "--path", "nope.env");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.env not found; `paas config:pull` writes one", missing.Error, StringComparison.Ordinal);
        Assert.Equal(latest, Lines(await PaasOk(_repo, "releases"))[1].Split(' ')[0]);
        await File.WriteAllTextAsync(Path.Combine(_repo, ".gitignore"), ".env\n", Cancel);
        var overwritten = await Paas(_repo, "config:pull", "--overwrite");
        Assert.Equal((0, "Wrote 6 config vars of hello to .env\n", ""), overwritten);
        File.Delete(Path.Combine(_repo, ".gitignore"));
        File.Delete(dotEnv);
        await PaasOk(_repo, "config:unset", "D", "E", "F");

        var refused = await Paas(_repo, "apps:destroy", "--confirm", "nope");
        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("paas: ", refused.Error);

        Assert.Contains("Destroying hello", await PaasOk(_repo, "apps:destroy", "--confirm", "hello"));
        Assert.Equal(1, (await Paas(_home, "apps:info", "-a", "hello")).ExitCode);
        Assert.NotEqual(0, (await Git("remote", "get-url", "paas")).ExitCode);
    }

    [Fact]
    public async Task Limits_health_checks_and_autoscale_on_the_local_scheduler()
    {
        await PaasOk(_home, "register", Url, "--username", "alice", "--password", "correct-horse-battery");
        await GitOk("init", "-q", "-b", "master");
        await PaasOk(_repo, "create", "hello");
        Assert.Contains("has no build yet", (await Paas(_repo, "limits:set", "web=512M")).Error);
        var early = await Paas(_repo, "run", "--no-tty", "echo", "hi");
        Assert.NotEqual(0, early.ExitCode);
        Assert.Contains("Running `echo hi` on hello... failed", early.Error); // never "up" before the platform took the run
        Assert.DoesNotContain("... up", early.Error);
        await File.WriteAllTextAsync(Path.Combine(_repo, "Procfile"), "web: python3 -m http.server $PORT --bind 127.0.0.1\n", Cancel);
        await GitOk("add", "-A");
        await GitOk("-c", "user.name=alice", "-c", "user.email=alice@example.test", "commit", "-q", "-m", "init");
        var push = await Git("push", "paas", "master");
        Assert.True(push.ExitCode == 0, push.Error);

        var set = await PaasOk(_repo, "limits:set", "web=512M", "--cpu", "web=500m");
        Assert.Contains("Applying limits to hello... done, v3", set);
        Assert.Contains("--- Memory\nweb  512M\n", set);
        Assert.Contains("--- CPU\nweb  500m\n", set);
        Assert.Contains("Note: the local scheduler records these limits but does not enforce them (the Kubernetes and podman schedulers do)", set);
        var bad = await Paas(_repo, "limits:set", "web=2T");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("'2T' is not a memory limit", bad.Error);
        Assert.Equal(2, (await Paas(_repo, "limits:set", "web")).ExitCode);
        using (var json = JsonDocument.Parse(await PaasOk(_repo, "limits", "--json")))
        {
            Assert.Equal("512M", json.RootElement.GetProperty("limits").GetProperty("web").GetProperty("memory").GetString());
            Assert.False(json.RootElement.GetProperty("enforced").GetBoolean());
        }

        // The local runtime boots web with the release's health check (python's http.server answers / with 200).
        Assert.Contains("Setting a health check on web of hello... done, v4", await PaasOk(_repo, "healthchecks:set", "web", "--path", "/", "--timeout", "3", "--interval", "1"));
        Assert.Equal("=== hello Healthchecks\nweb  GET /  timeout 3s  interval 1s  threshold 3\n", await PaasOk(_repo, "healthchecks"));
        Assert.Contains("does not start with '/'", (await Paas(_repo, "healthchecks:set", "web", "--path", "health")).Error);
        var info = await PaasOk(_repo, "apps:info");
        Assert.Contains("Limits:        web=512M/500m cpu\n", info);
        Assert.Contains("Health checks: web GET /\n", info);

        var releases = await PaasOk(_repo, "releases");
        Assert.Contains("alice set a health check on web", releases);
        Assert.Contains("alice changed limits web=512M, cpu web=500m", releases);
        Assert.Contains("Removing limits of web from hello... done, v5", await PaasOk(_repo, "limits:unset", "web", "--cpu"));
        Assert.Contains("--- CPU\nUnlimited\n", await PaasOk(_repo, "limits"));
        Assert.Contains("Rolling back hello to v4... done, v6", await PaasOk(_repo, "rollback", "v4"));
        Assert.Contains("--- CPU\nweb  500m\n", await PaasOk(_repo, "limits"));
        Assert.Contains("Limits:        web=512M/500m cpu", await PaasOk(_repo, "releases:info", "v6"));
        Assert.Contains("Removing the health check of web from hello... done, v7", await PaasOk(_repo, "healthchecks:unset", "web"));

        var autoscale = await Paas(_repo, "autoscale", "web", "--min", "2", "--max", "10", "--cpu", "70");
        Assert.Equal(1, autoscale.ExitCode);
        Assert.Contains("autoscaling needs the Kubernetes scheduler (PAAS_SCHEDULER=kubernetes); this platform runs apps with the local scheduler", autoscale.Error);
        var shown = await PaasOk(_repo, "autoscale");
        Assert.StartsWith("=== hello Autoscale\nNo process type is autoscaled", shown);
        Assert.Contains("Note: autoscaling needs the Kubernetes scheduler", shown);
        Assert.Contains("\"supported\": false", await PaasOk(_repo, "autoscale", "--json"));
        Assert.Equal(2, (await Paas(_repo, "autoscale", "web", "--min", "2")).ExitCode);
        Assert.Contains("is not autoscaled", (await Paas(_repo, "autoscale:off", "web")).Error);
    }

    [Fact]
    public async Task Registry_logins_take_the_password_from_standard_input_and_never_show_it()
    {
        await PaasOk(_home, "register", Url, "--username", "alice", "--password", "correct-horse-battery");
        await PaasOk(_home, "create", "shop", "--no-remote");
        Assert.Equal("=== shop Registry Logins\nshop has no registry logins. Add one with: paas registry:login HOST --username USER\n", await PaasOk(_home, "registry", "-a", "shop"));

        var login = await ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, "registry:login", "Registry.Example.com", "-u", "robot", "-a", "shop"], _home, Environment(), Cancel, "pa55word\n");
        Assert.True(login.ExitCode == 0, login.Error);
        Assert.Contains("Storing shop's login to Registry.Example.com... done, robot@registry.example.com", login.Out + login.Error);
        var listed = await PaasOk(_home, "registry", "-a", "shop");
        Assert.Matches(@"registry\.example\.com\s+robot\s+alice", listed);
        Assert.DoesNotContain("pa55word", listed + await PaasOk(_home, "registry", "-a", "shop", "--json"), StringComparison.Ordinal);

        var bad = await Paas(_home, "registry:logout", "https://registry.example.com", "-a", "shop");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("is not a registry host", bad.Error);
        Assert.Contains("Removing shop's login to registry.example.com... done", await PaasOk(_home, "registry:logout", "registry.example.com", "-a", "shop"));
    }

    [Fact]
    public async Task Admins_reserve_zones_for_teams_and_see_conflicting_domains()
    {
        await PaasOk(_home, "register", Url, "--username", "alice", "--password", "correct-horse-battery"); // the first user: an admin
        await PaasOk(_home, "create", "shop", "--no-remote");
        await PaasOk(_home, "teams:create", "web");
        Assert.Contains("shop.example.com", await PaasOk(_home, "domains:add", "shop.example.com", "-a", "shop"));

        var reserve = await Paas(_home, "domains:reserve", "example.com", "--team", "web");
        Assert.True(reserve.ExitCode == 0, reserve.Error);
        Assert.Contains("Reserving example.com for team web... done", reserve.Out + reserve.Error);
        Assert.Contains("1 existing domain(s) in example.com belong to apps not shared with web", reserve.Error);
        Assert.Contains("shop.example.com (shop)", reserve.Error);
        Assert.Matches(@"example\.com\s+web\s+alice", await PaasOk(_home, "domains:reservations"));
        Assert.Contains("in zone example.com, reserved for team web, which shop is not shared with", await PaasOk(_home, "domains:conflicts"));
        Assert.Contains("Removing the reservation of example.com... done", await PaasOk(_home, "domains:unreserve", "example.com"));
        Assert.Contains("No stored domain breaks the domain rules.", await PaasOk(_home, "domains:conflicts"));
    }

    [Fact]
    public async Task Domains_certificates_maintenance_and_tls()
    {
        await PaasOk(_home, "register", Url, "--username", "alice", "--password", "correct-horse-battery");
        await PaasOk(_home, "create", "shop", "--no-remote");
        Assert.Contains("Adding www.shop.test to shop... done", await PaasOk(_home, "domains:add", "www.shop.test", "-a", "shop"));
        Assert.Contains("www.shop.test", await PaasOk(_home, "domains", "-a", "shop"));
        var taken = await Paas(_home, "domains:add", "www.shop.test", "-a", "shop");
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("already routes to shop", taken.Error);

        Assert.Equal("off\n", await PaasOk(_home, "maintenance", "-a", "shop"));
        await PaasOk(_home, "maintenance:on", "-a", "shop");
        Assert.Equal("on\n", await PaasOk(_home, "maintenance", "-a", "shop"));
        await PaasOk(_home, "tls:enable", "-a", "shop");
        Assert.Equal("HTTPS enforced\n", await PaasOk(_home, "tls", "-a", "shop"));
        Assert.Equal("HTTP/1.1 to the processes\n", await PaasOk(_home, "grpc", "-a", "shop"));
        Assert.Contains("Enabling gRPC for shop", await PaasOk(_home, "grpc:enable", "-a", "shop"), StringComparison.Ordinal);
        Assert.Equal("gRPC to the processes over h2c\n", await PaasOk(_home, "grpc", "-a", "shop"));
        Assert.Contains("\"grpc\": true", await PaasOk(_home, "grpc", "-a", "shop", "--json"), StringComparison.Ordinal);

        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=www.shop.test", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddDnsName("www.shop.test");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        await File.WriteAllTextAsync(Path.Combine(_home, "cert.pem"), cert.ExportCertificatePem(), Cancel);
        await File.WriteAllTextAsync(Path.Combine(_home, "key.pem"), key.ExportPkcs8PrivateKeyPem(), Cancel);
        await File.WriteAllTextAsync(Path.Combine(_home, "wrong.pem"), System.Security.Cryptography.RSA.Create(2048).ExportPkcs8PrivateKeyPem(), Cancel);

        var mismatch = await Paas(_home, "certs:add", "shop-cert", "cert.pem", "wrong.pem");
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("cannot be served", mismatch.Error);
        Assert.Contains("Adding certificate shop-cert... done", await PaasOk(_home, "certs:add", "shop-cert", "cert.pem", "key.pem"));
        await PaasOk(_home, "certs:attach", "shop-cert", "www.shop.test");
        var certs = await PaasOk(_home, "certs");
        Assert.Contains("shop-cert", certs);
        Assert.DoesNotContain("(not attached)", certs);
        Assert.Contains("shop-cert", await PaasOk(_home, "domains", "-a", "shop"));
        await PaasOk(_home, "certs:remove", "shop-cert");
        await PaasOk(_home, "domains:remove", "www.shop.test", "-a", "shop");
        Assert.DoesNotContain("www.shop.test", await PaasOk(_home, "domains", "-a", "shop"));
    }

    [Fact]
    public async Task Run_forwards_standard_input_and_exits_with_the_process_exit_code()
    {
        await PaasOk(_home, "register", Url, "--username", "alice", "--password", "correct-horse-battery");
        await GitOk("init", "-q", "-b", "master");
        await PaasOk(_repo, "create", "runner");
        await File.WriteAllTextAsync(Path.Combine(_repo, "Procfile"), "console: bash\n", Cancel);
        await GitOk("add", "-A");
        await GitOk("-c", "user.name=alice", "-c", "user.email=alice@example.test", "commit", "-q", "-m", "init");
        var push = await Git("push", "paas", "master");
        Assert.True(push.ExitCode == 0, push.Error);

        var echoed = await ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, "run", "cat"], _repo, Environment(), Cancel, "piped\ninput\n");
        Assert.Equal((0, "piped\ninput\n"), (echoed.ExitCode, echoed.Out));
        Assert.Contains("Running `cat` on runner... up", echoed.Error);

        var read = await ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, "run", "read a; echo \"got $a\"; exit 3"], _repo, Environment(), Cancel, "ann\n");
        Assert.Equal((3, "got ann\n"), (read.ExitCode, read.Out));

        var megabyte = await ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, "run", "wc", "-c"], _repo, Environment(), Cancel, new string('x', 1024 * 1024));
        Assert.Equal((0, "1048576"), (megabyte.ExitCode, megabyte.Out.Trim()));

        var noStdin = await ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, "run", "--no-stdin", "cat; echo eof"], _repo, Environment(), Cancel, "not forwarded\n");
        Assert.Equal((0, "eof\n"), (noStdin.ExitCode, noStdin.Out));

        var limited = await Paas(_repo, "run", "--time-limit", "1", "sleep 60");
        Assert.Equal(137, limited.ExitCode);
        Assert.Contains("reached its time limit", limited.Error);

        var unknown = await Paas(_repo, "run", "-a", "nobody", "true");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("paas: there is no app named 'nobody'", unknown.Error);

        // Ctrl+C: paas exits with 130 and the platform kills the process.
        using var paas = System.Diagnostics.Process.Start(ChildProcess.StartInfo("dotnet", [RepoPaths.PaasDll, "run", "echo $$; exec sleep 600"], _repo, Environment()))!;
        var pidLine = await paas.StandardOutput.ReadLineAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Cancel);
        var pid = int.Parse(pidLine!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{pid}"));
        await ChildProcess.RunAsync("kill", ["-INT", paas.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], _repo, Environment(), Cancel);
        await paas.WaitForExitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        Assert.Equal(130, paas.ExitCode);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Directory.Exists($"/proc/{pid}"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the remote process {pid} still runs after paas was interrupted");
            await Task.Delay(100, Cancel);
        }

        // From a terminal (util-linux script gives paas one): the process gets a TTY of that size; a resize of the window
        // reaches it (SIGWINCH -> resize message -> the process's terminal); keys are forwarded raw (Enter is \r, which the
        // remote terminal turns into \n and echoes); the exit code comes back and the local terminal is as it was.
        await using var terminal = await TerminalSession.StartAsync(
            $"s=$(stty -g); dotnet '{RepoPaths.PaasDll}' run 'tty; stty size; echo $TERM; while [ \"$(stty size)\" = \"30 100\" ]; do sleep 0.1; done; stty size; read x; echo \"got $x\"; exit 4'; c=$?; [ \"$(stty -g)\" = \"$s\" ] && echo terminal-restored; exit $c",
            100, 30, _repo, new Dictionary<string, string?>(Environment()) { ["TERM"] = "xterm-256color" }, Cancel);
        await terminal.WaitForAsync("30 100\r\nxterm-256color\r\n", TimeSpan.FromSeconds(60), Cancel);
        await terminal.ResizeAsync(120, 40, Cancel);
        await terminal.WaitForAsync("40 120\r\n", TimeSpan.FromSeconds(30), Cancel); // the remote command waits for it
        await terminal.TypeAsync("hi\r");
        Assert.Equal(4, await terminal.ExitCodeAsync(TimeSpan.FromSeconds(60), Cancel));
        Assert.Matches(@"/dev/pts/\d+\r\n30 100\r\nxterm-256color\r\n40 120\r\nhi\r\ngot hi\r\n", terminal.Output);
        Assert.Contains("terminal-restored", terminal.Output, StringComparison.Ordinal);

        // --no-tty from a terminal: pipes, and what is typed is read by lines.
        await using var plain = await TerminalSession.StartAsync($"dotnet '{RepoPaths.PaasDll}' run --no-tty 'test -t 0 || echo no-tty; read x; echo \"got $x\"'", 100, 30, _repo, Environment(), Cancel);
        await plain.WaitForAsync("Running", TimeSpan.FromSeconds(60), Cancel);
        await plain.TypeAsync("ho\r");
        Assert.Equal(0, await plain.ExitCodeAsync(TimeSpan.FromSeconds(60), Cancel));
        Assert.Contains("no-tty", plain.Output, StringComparison.Ordinal);
        Assert.Contains("got ho", plain.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Teams_users_and_sharing_an_app_with_a_team()
    {
        await PaasOk(_home, "register", Url, "--username", "alice", "--password", "correct-horse-battery");
        Assert.Contains("Registered bob", await PaasOk(_home, "register", Url, "--username", "bob", "--password", "correct-horse-battery"));
        await PaasOk(_home, "create", "shop", "--no-remote");

        Assert.Contains("Creating team web ops... done", await PaasOk(_home, "teams:create", "web ops"));
        Assert.Contains("Adding bob to team web ops... done", await PaasOk(_home, "teams:add-member", "web ops", "bob"));
        Assert.Contains("Adding team web ops to shop as view... done", await PaasOk(_home, "perms:create", "--team", "web ops", "--role", "view", "-a", "shop"));
        Assert.Equal("=== shop Access\nteam web ops  view\n", await PaasOk(_home, "perms", "-a", "shop"));
        Assert.Equal("=== Teams\nweb ops  platform  1 member\n", await PaasOk(_home, "teams"));
        var info = await PaasOk(_home, "teams:info", "web ops");
        Assert.Contains("Members: bob", info);
        Assert.Contains("shop  view", info);
        var users = Lines(await PaasOk(_home, "users"));
        Assert.Equal("=== Users", users[0]);
        Assert.Matches("^alice +local +admin", users[1]);
        Assert.Matches("^bob +local +web ops", users[2]);

        var both = await Paas(_home, "perms:create", "bob", "--team", "web ops", "-a", "shop");
        Assert.Equal((2, true), (both.ExitCode, both.Error.Contains("either a user or a team", StringComparison.Ordinal)));
        var unknown = await Paas(_home, "perms:create", "--team", "ghosts", "-a", "shop");
        Assert.Equal((1, true), (unknown.ExitCode, unknown.Error.Contains("no team named 'ghosts'", StringComparison.Ordinal)));
        var notConfirmed = await Paas(_home, "teams:destroy", "web ops");
        Assert.Equal(2, notConfirmed.ExitCode);

        Assert.Contains("Removing team web ops from shop... done", await PaasOk(_home, "perms:delete", "--team", "web ops", "-a", "shop"));
        Assert.Contains("Destroying team web ops... done", await PaasOk(_home, "teams:destroy", "web ops", "--confirm", "web ops"));
        Assert.Equal("=== Teams\nYou are in no team.\n", await PaasOk(_home, "teams"));
    }

    [Fact]
    public async Task Auth_token_regenerate_and_passwd()
    {
        await PaasOk(_home, "register", Url, "--username", "alice", "--password", "correct-horse-battery");
        var token = (await PaasOk(_home, "auth:token")).Trim();
        Assert.Matches(@"^\S{20,}$", token);
        var environment = Environment();
        environment["PAAS_TOKEN"] = token;
        Assert.Equal("alice\n", (await ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, "whoami"], _home, environment, Cancel)).Out);

        // auth:regenerate stores a new token and revokes the others: the one a CI secret would hold stops working.
        Assert.Contains("every other token of yours stopped working", await PaasOk(_home, "auth:regenerate"), StringComparison.Ordinal);
        Assert.NotEqual(token, (await PaasOk(_home, "auth:token")).Trim());
        var revoked = await ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, "whoami"], _home, environment, Cancel);
        Assert.Equal(1, revoked.ExitCode);
        Assert.Equal("alice\n", await PaasOk(_home, "whoami"));

        // auth:passwd checks the current password; then the new one signs in and the old one does not.
        var wrong = await Paas(_home, "auth:passwd", "--password", "not-the-password", "--new-password", "battery-staple-horse");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("the current password is wrong", wrong.Error, StringComparison.Ordinal);
        Assert.Contains("Password changed.", await PaasOk(_home, "passwd", "--password", "correct-horse-battery", "--new-password", "battery-staple-horse"), StringComparison.Ordinal);
        Assert.Equal(1, (await Paas(_home, "login", Url, "--username", "alice", "--password", "correct-horse-battery")).ExitCode);
        Assert.Contains("Logged in as alice", await PaasOk(_home, "login", Url, "--username", "alice", "--password", "battery-staple-horse"), StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Out, string Error)> Paas(string workingDirectory, params string[] args) =>
        WithPaasdLog(ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, .. args], workingDirectory, Environment(), Cancel));

    private async Task<string> PaasOk(string workingDirectory, params string[] args)
    {
        var (code, output, error) = await Paas(workingDirectory, args);
        Assert.True(code == 0, $"paas {string.Join(' ', args)} exited {code}\nstdout: {output}\nstderr: {error}\npaasd log:\n{_paasd!.Log}");
        return output;
    }

    private Task<(int ExitCode, string Out, string Error)> Git(params string[] args) =>
        WithPaasdLog(ChildProcess.RunAsync("git", args, _repo, Environment(), Cancel));

    /// <summary>A child that did not finish in time fails the test with paasd's log, which says what the platform was doing.</summary>
    private async Task<(int ExitCode, string Out, string Error)> WithPaasdLog(Task<(int ExitCode, string Out, string Error)> run)
    {
        try
        {
            return await run;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\npaasd log:\n{_paasd!.Log}", e);
        }
    }

    private async Task<string> GitOk(params string[] args)
    {
        var (code, output, error) = await Git(args);
        Assert.True(code == 0, $"git {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }

    private Dictionary<string, string?> Environment() => new()
    {
        ["HOME"] = _home,
        ["PAAS_URL"] = null,
        ["PAAS_TOKEN"] = null,
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["TZ"] = "UTC",
    };

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
