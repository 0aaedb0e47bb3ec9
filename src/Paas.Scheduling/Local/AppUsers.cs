using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paas.Scheduling.Local;

/// <summary>
/// One system user per app (<c>paas-APP</c>, its own group, no login shell), made with <c>useradd</c> the first time the app
/// runs and removed with <c>userdel</c> when it is destroyed. The app gets its own copy of each release's unpacked slug,
/// owned by that user (the app's only writable folder); see <see cref="ProcessLauncher"/> for how a process is confined.
/// </summary>
internal sealed class AppUsers
{
    private readonly Dictionary<string, AppUser> _known = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public static string UserName(string app)
    {
        var name = "paas-" + app;
        return name.Length <= 32 ? name : $"paas-{app[..18]}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(app)))[..8]}";
    }

    /// <summary>
    /// Makes sure the app's user exists and has its own copy of the release's files at <paramref name="appCopy"/> (made from
    /// <paramref name="slugDirectory"/>, the unpacked slug every app running that image shares, which stays the platform's:
    /// handing the shared folder to one app's user would lock the others out and let that app write their code).
    /// </summary>
    /// <returns>The user, or why not.</returns>
    public async Task<(AppUser? User, string? Failure)> PrepareAsync(string app, string slugDirectory, string appCopy, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_known.TryGetValue(app, out var user))
            {
                var name = UserName(app);
                if ((await RunAsync("id", ["-u", name]).ConfigureAwait(false)).Code != 0)
                {
                    var made = await RunAsync("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/app", "--shell", "/usr/sbin/nologin", name]).ConfigureAwait(false);
                    if (made.Code != 0)
                    {
                        return (null, $"could not create the user {name}: {made.Output.Trim()}");
                    }
                }

                var uid = await RunAsync("id", ["-u", name]).ConfigureAwait(false);
                var gid = await RunAsync("id", ["-g", name]).ConfigureAwait(false);
                if (uid.Code != 0 || gid.Code != 0)
                {
                    return (null, $"could not look up the user {name}");
                }

                user = new AppUser(name, int.Parse(uid.Output.Trim(), CultureInfo.InvariantCulture), int.Parse(gid.Output.Trim(), CultureInfo.InvariantCulture));
                _known[app] = user;
            }

            if (!Directory.Exists(appCopy))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(appCopy)!);
                var staging = $"{appCopy}.tmp-{Guid.NewGuid():N}";
                var copy = await RunAsync("cp", ["-a", "--reflink=auto", slugDirectory, staging]).ConfigureAwait(false);
                var chown = copy.Code == 0 ? await RunAsync("chown", ["-R", $"{user.Uid}:{user.Gid}", staging]).ConfigureAwait(false) : copy;
                var chmod = chown.Code == 0 ? await RunAsync("chmod", ["-R", "go-rwx", staging]).ConfigureAwait(false) : chown;
                if (chmod.Code != 0)
                {
                    Directory.Delete(staging, recursive: true);
                    return (null, $"could not give {user.Name} its copy of the slug: {chmod.Output.Trim()}");
                }

                Directory.Move(staging, appCopy);
            }

            return (user, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes the app's user (when the app is destroyed); a missing user is not an error.</summary>
    public async Task RemoveAsync(string app)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _known.Remove(app);
            var name = UserName(app);
            // userdel refuses while a process of the user still exits (SIGKILL is asynchronous): retry for a moment.
            for (var attempt = 0; attempt < 20 && (await RunAsync("id", ["-u", name]).ConfigureAwait(false)).Code == 0; attempt++)
            {
                if ((await RunAsync("userdel", [name]).ConfigureAwait(false)).Code == 0)
                {
                    break;
                }

                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs a system tool (<c>useradd</c>, <c>cp</c>, <c>chown</c>...) for at most 30 s; returns its exit code and output.</summary>
    internal static async Task<(int Code, string Output)> RunAsync(string program, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
    }
}
