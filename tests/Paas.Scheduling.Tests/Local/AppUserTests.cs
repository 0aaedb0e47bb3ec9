using Paas.Scheduling.Local;
using Paas.Scheduling.Tests.Fixtures;

namespace Paas.Scheduling.Tests.Local;

/// <summary>When the platform runs as root, each app runs as its own unprivileged user, sees its slug at /app and not the data folder.</summary>
public sealed class AppUserTests
{
    private static readonly string Owner = SystemUsers.Owner(Path.Combine(Path.GetTempPath(), "paas-users-test-a"));

    [Fact]
    public async Task The_users_of_a_platform_whose_data_folder_is_gone_are_removed_and_no_others()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root (users are made only when the platform runs as root)");
        }

        var gone = Directory.CreateTempSubdirectory("paas-users-gone-");
        var live = Directory.CreateTempSubdirectory("paas-users-live-");
        var orphan = SystemUsers.Name("orph" + Guid.NewGuid().ToString("N")[..6], SystemUsers.Role.Processes);
        var kept = SystemUsers.Name("kept" + Guid.NewGuid().ToString("N")[..6], SystemUsers.Role.Build);
        var unmarked = SystemUsers.Name("unmk" + Guid.NewGuid().ToString("N")[..6], SystemUsers.Role.Processes);
        try
        {
            Assert.NotNull((await SystemUsers.EnsureAsync(orphan, "/app", SystemUsers.Owner(gone.FullName))).User);
            Assert.NotNull((await SystemUsers.EnsureAsync(kept, "/nonexistent", SystemUsers.Owner(live.FullName))).User);
            Assert.Equal(0, (await SystemUsers.RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", unmarked])).Code);
            gone.Delete(recursive: true);

            var removed = await SystemUsers.RemoveOrphansAsync();

            Assert.Contains(orphan, removed);
            Assert.DoesNotContain(kept, removed);
            Assert.NotEqual(0, (await SystemUsers.RunAsync("id", ["-u", orphan])).Code);
            Assert.NotEqual(0, (await SystemUsers.RunAsync("getent", ["group", orphan])).Code); // its own group went with it
            Assert.Equal(0, (await SystemUsers.RunAsync("id", ["-u", kept])).Code);
            Assert.Equal(0, (await SystemUsers.RunAsync("id", ["-u", unmarked])).Code); // perhaps not a platform's: left
        }
        finally
        {
            await SystemUsers.RemoveAsync(orphan, SystemUsers.Owner(gone.FullName));
            await SystemUsers.RemoveAsync(kept, SystemUsers.Owner(live.FullName));
            await SystemUsers.RunAsync("userdel", [unmarked]);
            live.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Another_platforms_user_of_the_same_name_is_neither_used_nor_removed_and_an_unmarked_one_is_claimed()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root (users are made only when the platform runs as root)");
        }

        // Two platforms on one machine (two data folders), each with an app of the same name.
        var first = Directory.CreateTempSubdirectory("paas-users-a-");
        var second = Directory.CreateTempSubdirectory("paas-users-b-");
        var third = Directory.CreateTempSubdirectory("paas-users-c-");
        var (a, b) = (SystemUsers.Owner(first.FullName), SystemUsers.Owner(second.FullName));
        var name = SystemUsers.Name("own" + Guid.NewGuid().ToString("N")[..6], SystemUsers.Role.Processes);
        var legacy = SystemUsers.Name("own" + Guid.NewGuid().ToString("N")[..6], SystemUsers.Role.Processes);
        try
        {
            var (mine, failure) = await SystemUsers.EnsureAsync(name, "/app", a);
            Assert.True(mine is not null, failure);
            Assert.Contains($"{name}:x:{mine.Uid}:{mine.Gid}:paas platform {first.FullName}:", File.ReadAllText("/etc/passwd"), StringComparison.Ordinal);

            var (theirs, refusal) = await SystemUsers.EnsureAsync(name, "/app", b);
            Assert.Null(theirs);
            Assert.Contains($"the system user {name} belongs to another platform on this machine", refusal, StringComparison.Ordinal);
            Assert.Contains("give this app another name", refusal, StringComparison.Ordinal);
            await SystemUsers.RemoveAsync(name, b); // the other platform's apps:destroy of its app of that name
            Assert.Equal(mine, (await SystemUsers.EnsureAsync(name, "/app", a)).User);

            // A platform removed without destroying its apps (its data folder gone) leaves its users free for another.
            // (Claimed as is, or made anew when another platform starting meanwhile, in a test running beside this one,
            // removed it as an orphan: RemoveOrphansAsync.)
            first.Delete(recursive: true);
            var claimed = (await SystemUsers.EnsureAsync(name, "/app", b)).User;
            Assert.NotNull(claimed);
            Assert.Contains($"{name}:x:{claimed.Uid}:{claimed.Gid}:paas platform {second.FullName}:", File.ReadAllText("/etc/passwd"), StringComparison.Ordinal);

            // A user made before users were marked (no comment) becomes the first platform's that uses it.
            Assert.Equal(0, (await SystemUsers.RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", legacy])).Code);
            Assert.NotNull((await SystemUsers.EnsureAsync(legacy, "/app", b)).User);
            Assert.Null((await SystemUsers.EnsureAsync(legacy, "/app", SystemUsers.Owner(third.FullName))).User);
        }
        finally
        {
            await SystemUsers.RemoveAsync(name, b);
            await SystemUsers.RemoveAsync(legacy, b);
            second.Delete(recursive: true);
            third.Delete(recursive: true);
        }

        Assert.NotEqual(0, (await SystemUsers.RunAsync("id", ["-u", name])).Code);
        Assert.NotEqual(0, (await SystemUsers.RunAsync("id", ["-u", legacy])).Code);
    }

    [Fact]
    public async Task An_app_runs_as_its_own_user_confined_to_its_slug()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root (the platform confines apps only when it runs as root)");
        }

        var app = "usr" + Guid.NewGuid().ToString("N")[..6];
        await using var h = new LocalHarness(o => o.RunAsAppUsers = true);
        File.WriteAllText(Path.Combine(h.DataDir, "service-token"), "secret");
        var spec = h.Spec(app, 1, new Dictionary<string, string>
        {
            ["web"] = "node server.js",
            ["worker"] = $"echo \"who $(id -un) $(pwd) $HOME\"; echo w > /app/written && echo wrote; cat {h.DataDir}/service-token || echo hidden; echo x > /etc/paas-test-nope || echo readonly; echo \"tmp $(ls -A /tmp | wc -l)\"; touch /tmp/mine && echo tmpok; exec sleep 600",
        }, new Dictionary<string, int> { ["web"] = 1, ["worker"] = 1 });

        var result = await h.Scheduler.DeployAsync(spec, CancellationToken.None);

        Assert.True(result.Succeeded, result.FailureReason);
        await h.WaitForLogAsync(app, "app[worker.1]: tmpok"); // not "tmpok" alone: the "Starting process with command" line holds it too
        var lines = h.Lines(app, "worker").Where(l => l.Contains("app[", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("]: ", StringComparison.Ordinal) + 3)..]).ToList();
        Assert.Contains($"who {SystemUsers.Name(app, SystemUsers.Role.Processes)} /app /app", lines);
        Assert.Contains("wrote", lines);
        Assert.Contains("hidden", lines);
        Assert.Contains("tmp 0", lines);
        Assert.Contains("readonly", lines);
        Assert.Contains("tmpok", lines);
        Assert.DoesNotContain("secret", lines);
        using var http = new HttpClient();
        Assert.StartsWith("v1 web.1", await http.GetStringAsync($"http://127.0.0.1:{h.Scheduler.GetEndpoints(app)[0].Port}/"), StringComparison.Ordinal);

        await h.Scheduler.DestroyAsync(app, CancellationToken.None);

        Assert.DoesNotContain(File.ReadAllLines("/etc/passwd"), l => l.StartsWith(SystemUsers.Name(app, SystemUsers.Role.Processes) + ":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_removed_users_id_is_never_given_again_and_each_user_has_a_group_of_the_same_id()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root (users are made only when the platform runs as root)");
        }

        var first = SystemUsers.Name("ids" + Guid.NewGuid().ToString("N")[..6], SystemUsers.Role.Processes);
        var second = SystemUsers.Name("ids" + Guid.NewGuid().ToString("N")[..6], SystemUsers.Role.Build);
        try
        {
            var (one, failure) = await SystemUsers.EnsureAsync(first, "/app", Owner);
            Assert.True(one is not null, failure);
            Assert.InRange(one.Uid, SystemUsers.FirstId, SystemUsers.LastId);
            Assert.Equal(one.Uid, one.Gid);
            Assert.Equal(one, (await SystemUsers.EnsureAsync(first, "/app", Owner)).User); // made once

            // The app is destroyed, another is made: it does not get the removed id, nor does the first name made again.
            await SystemUsers.RemoveAsync(first, Owner);
            var (two, _) = await SystemUsers.EnsureAsync(second, "/nonexistent", Owner);
            var (again, _) = await SystemUsers.EnsureAsync(first, "/app", Owner);

            Assert.True(two!.Uid > one.Uid, $"{two.Uid} after {one.Uid}");
            Assert.True(again!.Uid > two.Uid, $"{again.Uid} after {two.Uid}");
            Assert.Equal(two.Uid, two.Gid);
        }
        finally
        {
            await SystemUsers.RemoveAsync(first, Owner);
            await SystemUsers.RemoveAsync(second, Owner);
        }
    }

    [Fact]
    public async Task Users_made_at_once_get_distinct_ids()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root (users are made only when the platform runs as root)");
        }

        var names = Enumerable.Range(0, 4).Select(_ => SystemUsers.Name("par" + Guid.NewGuid().ToString("N")[..6], SystemUsers.Role.Build)).ToList();
        try
        {
            // Another paasd holding the counter (its flock) holds every new user back until it lets go.
            Task<(SystemUser? User, string? Failure)>[] making;
            Directory.CreateDirectory(Path.GetDirectoryName(SystemUsers.IdCounterPath)!);
            using (new FileStream(SystemUsers.IdCounterPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                making = [.. names.Select(name => Task.Run(() => SystemUsers.EnsureAsync(name, "/nonexistent", Owner)))];
                await Task.Delay(500);
                Assert.DoesNotContain(making, m => m.IsCompleted);
            }

            var made = await Task.WhenAll(making);

            Assert.All(made, m => Assert.True(m.User is not null, m.Failure));
            Assert.Equal(4, made.Select(m => m.User!.Uid).Distinct().Count());
        }
        finally
        {
            foreach (var name in names)
            {
                await SystemUsers.RemoveAsync(name, Owner);
            }
        }
    }

    [Fact]
    public async Task Two_apps_of_one_image_each_get_their_own_files_and_neither_writes_the_others()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root (the platform confines apps only when it runs as root)");
        }

        var first = "one" + Guid.NewGuid().ToString("N")[..6];
        var second = "two" + Guid.NewGuid().ToString("N")[..6];
        await using var h = new LocalHarness(o => o.RunAsAppUsers = true);
        Dictionary<string, string> types(string other) => new()
        {
            ["web"] = "node server.js",
            ["worker"] = $"echo mine > /app/mine && echo wrote-own; ls {h.DataDir}/app-slugs/{other} >/dev/null 2>&1 && echo sees-other || echo other-hidden; exec sleep 600",
        };
        var formation = new Dictionary<string, int> { ["web"] = 1, ["worker"] = 1 };
        Assert.True((await h.Scheduler.DeployAsync(h.Spec(first, 1, types(second), formation), CancellationToken.None)).Succeeded);
        Assert.True((await h.Scheduler.DeployAsync(h.Spec(second, 1, types(first), formation), CancellationToken.None)).Succeeded);

        // The second app's start did not take the first app's files: the first restarts and still serves.
        await h.Scheduler.RestartAsync(first, null, CancellationToken.None);
        using var http = new HttpClient();
        foreach (var app in new[] { first, second })
        {
            await h.WaitForLogAsync(app, "app[worker.1]: wrote-own");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            string? answer = null;
            while (answer is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    answer = await http.GetStringAsync($"http://127.0.0.1:{h.Scheduler.GetEndpoints(app)[0].Port}/");
                }
                catch (Exception e) when (e is HttpRequestException or ArgumentOutOfRangeException)
                {
                    await Task.Delay(200);
                }
            }

            Assert.StartsWith("v1 web.1", answer ?? "no answer", StringComparison.Ordinal);
            Assert.DoesNotContain(h.Lines(app, "worker"), l => l.Contains("app[worker.1]: sees-other", StringComparison.Ordinal));
        }

        // Each copy is its own user's; the shared unpacked slug is neither's.
        var paths = new LocalPaths(h.DataDir);
        var firstCopy = Directory.GetDirectories(Path.Combine(paths.AppSlugs, first)).Single();
        var secondCopy = Directory.GetDirectories(Path.Combine(paths.AppSlugs, second)).Single();
        Assert.True(File.Exists(Path.Combine(firstCopy, "mine")) && File.Exists(Path.Combine(secondCopy, "mine")));
        var shared = (await h.Slugs.PrepareAsync("fixture", LocalHarness.Image, CancellationToken.None)).AppDirectory!;
        Assert.False(File.Exists(Path.Combine(shared, "mine")), "no app wrote into the shared slug");
        Assert.Equal("0", (await RunAsync("stat", "-c", "%u", shared)).Trim());
        Assert.NotEqual((await RunAsync("stat", "-c", "%u", firstCopy)).Trim(), (await RunAsync("stat", "-c", "%u", secondCopy)).Trim());

        await h.Scheduler.DestroyAsync(first, CancellationToken.None);
        await h.Scheduler.DestroyAsync(second, CancellationToken.None);
        Assert.False(Directory.Exists(Path.Combine(paths.AppSlugs, first)));
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
