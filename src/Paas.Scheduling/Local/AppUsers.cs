namespace Paas.Scheduling.Local;

/// <summary>
/// One system user per app (<see cref="SystemUsers.Role.Processes"/>: <c>paas-APP</c>), made the first time the app
/// runs and removed with <c>userdel</c> when it is destroyed. The app gets its own copy of each release's unpacked slug,
/// owned by that user (the app's only writable folder); see <see cref="ProcessLauncher"/> for how a process is confined.
/// </summary>
/// <param name="owner">The platform's mark on its users (<see cref="SystemUsers.Owner"/>).</param>
internal sealed class AppUsers(string owner)
{
    private readonly Dictionary<string, SystemUser> _known = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Makes sure the app's user exists and has its own copy of the release's files at <paramref name="appCopy"/> (made from
    /// <paramref name="slugDirectory"/>, the unpacked slug every app running that image shares, which stays the platform's:
    /// handing the shared folder to one app's user would lock the others out and let that app write their code).
    /// </summary>
    /// <returns>The user, or why not.</returns>
    public async Task<(SystemUser? User, string? Failure)> PrepareAsync(string app, string slugDirectory, string appCopy, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_known.TryGetValue(app, out var user))
            {
                (user, var failure) = await SystemUsers.EnsureAsync(SystemUsers.Name(app, SystemUsers.Role.Processes), "/app", owner).ConfigureAwait(false);
                if (user is null)
                {
                    return (null, failure);
                }

                _known[app] = user;
            }

            if (!Directory.Exists(appCopy))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(appCopy)!);
                var staging = $"{appCopy}.tmp-{Guid.NewGuid():N}";
                var copy = await SystemUsers.RunAsync("cp", ["-a", "--reflink=auto", slugDirectory, staging]).ConfigureAwait(false);
                var chown = copy.Code == 0 ? await SystemUsers.RunAsync("chown", ["-R", $"{user.Uid}:{user.Gid}", staging]).ConfigureAwait(false) : copy;
                var chmod = chown.Code == 0 ? await SystemUsers.RunAsync("chmod", ["-R", "go-rwx", staging]).ConfigureAwait(false) : chown;
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
            await SystemUsers.RemoveAsync(SystemUsers.Name(app, SystemUsers.Role.Processes), owner).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
