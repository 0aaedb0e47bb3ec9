using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paas.Scheduling.Local;

/// <summary>
/// The unprivileged system users an app's code runs as on one machine when the platform runs as root: one per app for its
/// processes (<see cref="Role.Processes"/>, <c>paas-APP</c>) and one per app for its builds (<see cref="Role.Build"/>,
/// <c>paas-build-APP</c>), each with its own group and no login shell. Made with <c>useradd --system</c> when first needed,
/// removed with <c>userdel</c> when the app is destroyed. A build has a user of its own so that what it leaves running can
/// be killed without touching the app's processes, and so that no other app's build or process can read its folders.
/// </summary>
public static class SystemUsers
{
    /// <summary>What a user is for.</summary>
    public enum Role
    {
        /// <summary>The app's processes (dynos, one-off runs): <c>paas-APP</c>.</summary>
        Processes,

        /// <summary>The app's buildpack processes: <c>paas-build-APP</c>.</summary>
        Build,
    }

    /// <summary>
    /// The user name for <paramref name="app"/> in <paramref name="role"/>: <c>paas-APP</c> or <c>paas-build-APP</c>, or
    /// when longer than 32 characters (useradd's limit) the app name cut to fit plus 8 hex digits of its SHA-256.
    /// </summary>
    /// <param name="app">A valid app name.</param>
    /// <param name="role">What the user is for.</param>
    /// <returns>The user name.</returns>
    public static string Name(string app, Role role)
    {
        ArgumentNullException.ThrowIfNull(app);
        var prefix = role == Role.Build ? "paas-build-" : "paas-";
        var name = prefix + app;
        return name.Length <= 32
            ? name
            : $"{prefix}{app[..(32 - prefix.Length - 9)]}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(app)))[..8]}";
    }

    /// <summary>Makes sure the user <paramref name="name"/> exists (<c>useradd --system --user-group</c>, home <paramref name="home"/>, shell <c>nologin</c>; five attempts) and returns its ids.</summary>
    /// <param name="name">The user name, from <see cref="Name"/>.</param>
    /// <param name="home">Its home folder as the password database records it (never created).</param>
    /// <returns>The user, or why it could not be made or looked up.</returns>
    public static async Task<(SystemUser? User, string? Failure)> EnsureAsync(string name, string home)
    {
        // useradd fails while another useradd holds /etc/passwd's lock (another paasd, or a test next door): a few attempts.
        for (var attempt = 1; (await RunAsync("id", ["-u", name]).ConfigureAwait(false)).Code != 0; attempt++)
        {
            var made = await RunAsync("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", name]).ConfigureAwait(false);
            if (made.Code != 0 && attempt == 5)
            {
                return (null, $"could not create the user {name}: {made.Output.Trim()}");
            }

            if (made.Code != 0)
            {
                await Task.Delay(200 * attempt).ConfigureAwait(false);
            }
        }

        var uid = await RunAsync("id", ["-u", name]).ConfigureAwait(false);
        var gid = await RunAsync("id", ["-g", name]).ConfigureAwait(false);
        if (uid.Code != 0 || gid.Code != 0)
        {
            return (null, $"could not look up the user {name}");
        }

        return (new SystemUser(name, int.Parse(uid.Output.Trim(), CultureInfo.InvariantCulture), int.Parse(gid.Output.Trim(), CultureInfo.InvariantCulture)), null);
    }

    /// <summary>Kills every process of <paramref name="user"/> (<c>pkill -KILL -U</c>); what a build left running in the background, for example.</summary>
    /// <param name="user">The user.</param>
    /// <returns>A task that completes once the signal is sent.</returns>
    public static Task KillAllAsync(SystemUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return RunAsync("pkill", ["-KILL", "-U", user.Uid.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>Removes the user <paramref name="name"/>; a missing user is not an error. Retries for 2 s while processes of the user still exit.</summary>
    /// <param name="name">The user name.</param>
    /// <returns>A task that completes when the user is gone or the retries are spent.</returns>
    public static async Task RemoveAsync(string name)
    {
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

    /// <summary>
    /// Runs a system tool (<c>useradd</c>, <c>cp</c>, <c>chown</c>, <c>find</c>...) to its end, within
    /// <paramref name="timeout"/> (default 30 s; <see cref="Timeout.InfiniteTimeSpan"/> for none) and
    /// <paramref name="cancellationToken"/>; past either it is killed.
    /// </summary>
    /// <param name="program">The program, found on PATH.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <param name="cancellationToken">Stops it early (a build's deadline).</param>
    /// <returns>Its exit code, and its standard output followed by its standard error.</returns>
    /// <exception cref="OperationCanceledException">It ran past <paramref name="timeout"/> or was cancelled (and was killed).</exception>
    public static async Task<(int Code, string Output)> RunAsync(string program, IReadOnlyList<string> args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
    }
}

/// <summary>An unprivileged system user (see <see cref="SystemUsers"/>).</summary>
/// <param name="Name">The user name, <c>paas-hello</c>.</param>
/// <param name="Uid">Its user id.</param>
/// <param name="Gid">Its group id (its own group).</param>
public sealed record SystemUser(string Name, int Uid, int Gid);
