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
/// <para>
/// An id is never given twice (<see cref="FirstId"/>..<see cref="LastId"/>, counted up in <see cref="IdCounterPath"/>): a
/// destroyed app's user id, with whatever it still owns (a build's files in <c>/tmp</c>, a System V shared memory segment),
/// must not become another app's. <c>useradd --system</c> chose ids itself, the highest free one below 1000, which is
/// exactly the id of the user removed last, and it ran out after about 900 users.
/// </para>
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

    /// <summary>The first user (and group) id the platform gives out: 40000, in the range of ordinary users (login.defs' UID_MIN..UID_MAX, 1000..60000), far above the ids people get, and below the subordinate ids (100000 up) that user namespaces map.</summary>
    public const int FirstId = 40000;

    /// <summary>The last user id the platform gives out: 59999 (20,000 ids, two per app, never reused).</summary>
    public const int LastId = 59999;

    /// <summary>
    /// The file that holds the last id given out, shared by every paasd on the machine (as <c>/etc/passwd</c> is) and locked
    /// while a user is made: <c>/var/lib/paas-users/last-id</c>.
    /// </summary>
    public const string IdCounterPath = "/var/lib/paas-users/last-id";

    private const string OwnerPrefix = "paas platform ";

    /// <summary>
    /// The mark of the users one platform makes, kept in their comment (GECOS) field: <c>paas platform DATA_DIR</c>, the
    /// platform's data folder's full path (or, when the path holds a character the field cannot, <c>:</c>, <c>,</c> or a
    /// line break, <c>#</c> and 16 hex digits of its SHA-256). Users are per machine and named after the app, so two
    /// platforms on one machine with an app of the same name would otherwise share a user: the second's processes would
    /// read the first's files, and its <c>apps:destroy</c> would kill the first's processes and delete its user. A user
    /// whose platform's data folder is gone is free for another (a platform removed without destroying its apps).
    /// </summary>
    /// <param name="dataDirectory">The platform's data folder.</param>
    /// <returns>The mark.</returns>
    public static string Owner(string dataDirectory)
    {
        var path = Path.GetFullPath(dataDirectory);
        return OwnerPrefix + (path.AsSpan().IndexOfAny(":,\n\r") < 0 ? path : "#" + Podman.ContainerLabels.DefaultPlatformId(path));
    }

    /// <summary>Whether a user marked <paramref name="mark"/> is this platform's (<paramref name="owner"/>) to use or remove: its own, unmarked, or marked by a platform whose data folder is gone.</summary>
    private static bool IsOurs(string mark, string owner) => mark.Length == 0 || mark == owner || IsOrphaned(mark);

    /// <summary>Whether a user marked <paramref name="mark"/> belongs to a platform whose data folder is gone (a mark by hash cannot be checked: never).</summary>
    private static bool IsOrphaned(string mark) =>
        mark.StartsWith(OwnerPrefix + "/", StringComparison.Ordinal) && !Directory.Exists(mark[OwnerPrefix.Length..]);

    /// <summary>
    /// Makes sure the user <paramref name="name"/> exists for the platform <paramref name="owner"/> and returns its ids. A
    /// new user gets the next id never given out (see the class summary) for both its user and its own group
    /// (<c>groupadd --system --gid N</c>, <c>useradd --system --uid N --gid N --comment OWNER</c>: <c>--system</c> so that
    /// no subordinate ids are set aside for it in <c>/etc/subuid</c>), home <paramref name="home"/>, shell <c>nologin</c>; an
    /// id some other user or group already has is skipped. An existing user with no mark (made before users were marked) or
    /// the mark of a platform whose data folder is gone is marked as this platform's; one of another platform is refused.
    /// </summary>
    /// <param name="name">The user name, from <see cref="Name"/>.</param>
    /// <param name="home">Its home folder as the password database records it (never created).</param>
    /// <param name="owner">The platform's mark, from <see cref="Owner"/>.</param>
    /// <returns>The user, or why it could not be made, looked up or used (every id used up, the counter unreadable, useradd failing, another platform's user).</returns>
    public static async Task<(SystemUser? User, string? Failure)> EnsureAsync(string name, string home, string owner)
    {
        if (await ReadEntryAsync(name).ConfigureAwait(false) is { } ready && ready.Mark == owner)
        {
            return (ready.User, null);
        }

        // Making or claiming the user: under the counter's lock, which RemoveOrphansAsync holds while it removes, so a user
        // is not removed between this check and its use (and two paasd do not make one at once).
        using var counter = await LockCounterAsync().ConfigureAwait(false);
        var entry = await ReadEntryAsync(name).ConfigureAwait(false);
        if (entry is null)
        {
            if (await CreateAsync(counter, name, home, owner).ConfigureAwait(false) is { } failure)
            {
                return (null, failure);
            }

            entry = await ReadEntryAsync(name).ConfigureAwait(false);
        }

        if (entry is not { } found)
        {
            return (null, $"could not look up the user {name}");
        }

        if (found.Mark != owner)
        {
            if (!IsOurs(found.Mark, owner))
            {
                return (null, $"the system user {name} belongs to another platform on this machine ({found.Mark}, this one is {owner}), which has an app of the same name: give this app another name, or run one platform per machine");
            }

            await RunAsync("usermod", ["--comment", owner, name]).ConfigureAwait(false);
        }

        return (found.User, null);
    }

    /// <summary>The user's entry in the password database (<c>getent passwd NAME</c>): its ids and its comment field, the platform's mark; null when there is no such user.</summary>
    private static async Task<(SystemUser User, string Mark)?> ReadEntryAsync(string name)
    {
        var entry = await RunAsync("getent", ["passwd", name]).ConfigureAwait(false);
        return entry.Code == 0 ? ParseEntry(entry.Output.Trim()) : null;
    }

    /// <summary>One line of the password database (<c>name:x:uid:gid:comment:home:shell</c>, passwd(5)): the user and its comment field; null when it is not one.</summary>
    private static (SystemUser User, string Mark)? ParseEntry(string line)
    {
        var fields = line.Split(':');
        return fields.Length >= 7
            && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid)
                ? (new SystemUser(fields[0], uid, gid), fields[4])
                : null;
    }

    /// <summary>Makes the user, the caller holding the counter's lock (<paramref name="counter"/>): the next free id, then the group and the user.</summary>
    private static async Task<string?> CreateAsync(FileStream counter, string name, string home, string owner)
    {
        var buffer = new byte[64];
        var text = Encoding.ASCII.GetString(buffer, 0, counter.Read(buffer)).Trim();
        if (text.Length > 0 && !(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var read) && read is >= FirstId - 1 and <= LastId))
        {
            return $"could not create the user {name}: {IdCounterPath} holds '{text}', not the last user id given out; write the highest id of the paas-* users in /etc/passwd into it";
        }

        // A group left by a creation that stopped between groupadd and useradd.
        if ((await RunAsync("getent", ["group", name]).ConfigureAwait(false)).Code == 0)
        {
            await RunAsync("groupdel", [name]).ConfigureAwait(false);
        }

        var attempts = 0;
        for (var id = text.Length == 0 ? FirstId : int.Parse(text, CultureInfo.InvariantCulture) + 1; id <= LastId; id++)
        {
            var number = id.ToString(CultureInfo.InvariantCulture);
            if ((await RunAsync("getent", ["passwd", number]).ConfigureAwait(false)).Code == 0)
            {
                continue; // a user someone made by hand
            }

            var group = await RunAsync("groupadd", ["--system", "--gid", number, name]).ConfigureAwait(false);
            if (group.Code == 4)
            {
                continue; // groupadd(8): 4 is "GID not unique"
            }

            var made = group.Code == 0
                ? await RunAsync("useradd", ["--system", "--uid", number, "--gid", number, "--comment", owner, "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", name]).ConfigureAwait(false)
                : group;
            if (made.Code != 0)
            {
                if (group.Code == 0)
                {
                    await RunAsync("groupdel", [name]).ConfigureAwait(false);
                }

                // 1 and 10: the password or group file could not be updated, mostly because a useradd of someone else's holds its lock.
                if (made.Code is 1 or 10 && ++attempts < 5)
                {
                    await Task.Delay(200 * attempts).ConfigureAwait(false);
                    id--;
                    continue;
                }

                return $"could not create the user {name}: {made.Output.Trim()}";
            }

            counter.SetLength(0);
            counter.Position = 0;
            counter.Write(Encoding.ASCII.GetBytes(number + "\n"));
            counter.Flush(flushToDisk: true);
            return null;
        }

        return $"could not create the user {name}: every user id the platform gives out ({FirstId}-{LastId}) has been given, and ids are never reused";
    }

    /// <summary>Opens the counter with an exclusive lock (<c>flock</c>, which .NET takes for <see cref="FileShare.None"/>), waiting up to 30 s for another holder.</summary>
    private static async Task<FileStream> LockCounterAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(IdCounterPath)!);
        for (var waited = 0; ; waited += 50)
        {
            try
            {
                return new FileStream(IdCounterPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < 30_000)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Removes the users (<c>userdel</c>) of platforms whose data folder is gone: a platform removed without destroying
    /// its apps, or a test's, whose temporary folder is deleted at its end. Until then such users could only be claimed by
    /// another platform with an app of the same name, so the others stayed in the password database and kept their ids
    /// from a range that is never reused. Users of a live platform, unmarked ones and users outside the platform's id
    /// range are left alone; so is a user some process still runs as (<c>userdel</c> refuses), until a later sweep.
    /// Each removal is decided and done under the counter's lock, which <see cref="EnsureAsync"/> holds to claim a user.
    /// </summary>
    /// <returns>The names removed.</returns>
    public static async Task<IReadOnlyList<string>> RemoveOrphansAsync()
    {
        var all = await RunAsync("getent", ["passwd"]).ConfigureAwait(false);
        var candidates = all.Code != 0 ? [] : all.Output.Split('\n')
            .Select(ParseEntry)
            .Where(e => e is { } entry && entry.User.Uid is >= FirstId and <= LastId && IsOrphaned(entry.Mark))
            .Select(e => e!.Value.User.Name)
            .ToList();
        var removed = new List<string>();
        if (candidates.Count == 0)
        {
            return removed;
        }

        using var counter = await LockCounterAsync().ConfigureAwait(false);
        foreach (var name in candidates)
        {
            if (await ReadEntryAsync(name).ConfigureAwait(false) is { } entry && IsOrphaned(entry.Mark)
                && (await RunAsync("userdel", [name]).ConfigureAwait(false)).Code == 0)
            {
                removed.Add(name);
            }
        }

        return removed;
    }

    /// <summary>Kills every process of <paramref name="user"/> (<c>pkill -KILL -U</c>); what a build left running in the background, for example.</summary>
    /// <param name="user">The user.</param>
    /// <returns>A task that completes once the signal is sent.</returns>
    public static Task KillAllAsync(SystemUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return RunAsync("pkill", ["-KILL", "-U", user.Uid.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>
    /// Removes the user <paramref name="name"/> of the platform <paramref name="owner"/>; a missing user, or one of another
    /// platform whose data folder still exists (see <see cref="Owner"/>), is left alone. Retries for 2 s while processes of the user still exit.
    /// </summary>
    /// <param name="name">The user name.</param>
    /// <param name="owner">The platform's mark, from <see cref="Owner"/>.</param>
    /// <returns>A task that completes when the user is gone, is not this platform's, or the retries are spent.</returns>
    public static async Task RemoveAsync(string name, string owner)
    {
        if (await ReadEntryAsync(name).ConfigureAwait(false) is not { } entry || !IsOurs(entry.Mark, owner))
        {
            return;
        }

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
