using Paas.Scheduling.Local;
using Paas.Scheduling.Tests.Fixtures;

namespace Paas.Scheduling.Tests.Local;

/// <summary>When the platform runs as root, each app runs as its own unprivileged user, sees its slug at /app and not the data folder.</summary>
public sealed class AppUserTests
{
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
        Assert.Contains($"who {AppUsers.UserName(app)} /app /app", lines);
        Assert.Contains("wrote", lines);
        Assert.Contains("hidden", lines);
        Assert.Contains("tmp 0", lines);
        Assert.Contains("readonly", lines);
        Assert.Contains("tmpok", lines);
        Assert.DoesNotContain("secret", lines);
        using var http = new HttpClient();
        Assert.StartsWith("v1 web.1", await http.GetStringAsync($"http://127.0.0.1:{h.Scheduler.GetEndpoints(app)[0].Port}/"), StringComparison.Ordinal);

        await h.Scheduler.DestroyAsync(app, CancellationToken.None);

        Assert.DoesNotContain(File.ReadAllLines("/etc/passwd"), l => l.StartsWith(AppUsers.UserName(app) + ":", StringComparison.Ordinal));
    }
}
