using Microsoft.Extensions.Options;
using Paas.Scheduling.Local;

namespace Paas.Builder;

/// <summary>
/// The user an app's buildpacks run as on the builder's machine (<see cref="BuilderOptions.RunAsBuildUsers"/>): the app's
/// own build user (<see cref="SystemUsers.Role.Build"/>, <c>paas-build-APP</c>), never one shared by all apps, so that one
/// app's build can neither read another's source, config vars or cache nor plant anything in them. The build's folders are
/// handed to that user with mode 0700; whatever the build leaves running is killed after each buildpack step (one build
/// per app runs at a time, see <see cref="AppLocks"/>), so nothing of the app's code runs while the builder, as root, reads
/// what the build wrote.
/// </summary>
internal sealed class BuildUsers(IOptions<BuilderOptions> options)
{
    private readonly Dictionary<string, SystemUser> _known = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The platform's mark on its users (<see cref="SystemUsers.Owner"/>), from its data folder.</summary>
    private string Owner => SystemUsers.Owner(options.Value.DataDir);

    /// <summary>Whether buildpacks run as per-app users: <see cref="BuilderOptions.RunAsBuildUsers"/>, by default when paasd runs as root (Linux).</summary>
    public bool Enabled => !OperatingSystem.IsWindows() && (options.Value.RunAsBuildUsers ?? Environment.IsPrivilegedProcess);

    /// <summary>The build user of <paramref name="app"/>, made when missing; null when <see cref="Enabled"/> is false.</summary>
    /// <param name="app">The app.</param>
    /// <returns>The user, or null.</returns>
    /// <exception cref="IOException">The user could not be made or looked up (the reason is in the message).</exception>
    public async Task<SystemUser?> ForAsync(string app)
    {
        if (!Enabled)
        {
            return null;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_known.TryGetValue(app, out var user))
            {
                (user, var failure) = await SystemUsers.EnsureAsync(SystemUsers.Name(app, SystemUsers.Role.Build), "/nonexistent", Owner).ConfigureAwait(false);
                _known[app] = user ?? throw new IOException(failure);
            }

            return user;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes the build user of <paramref name="app"/> (when it is destroyed), after killing what it may still run.</summary>
    /// <param name="app">The app.</param>
    /// <returns>A task that completes when the user is gone.</returns>
    public async Task RemoveAsync(string app)
    {
        if (!Enabled)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_known.Remove(app, out var user))
            {
                await SystemUsers.KillAllAsync(user).ConfigureAwait(false);
            }

            await SystemUsers.RemoveAsync(SystemUsers.Name(app, SystemUsers.Role.Build), Owner).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Gives <paramref name="folders"/> and everything in them to <paramref name="user"/> (<c>chown -R</c>, links not
    /// followed) and closes each folder itself to everyone else (mode 0700).
    /// </summary>
    /// <param name="user">The build user.</param>
    /// <param name="folders">The build's folders (BUILD_DIR, CACHE_DIR, ENV_DIR, HOME, TMPDIR).</param>
    /// <param name="cancellationToken">Cancels the wait for <c>chown</c>.</param>
    /// <returns>A task that completes when the folders are handed over.</returns>
    /// <exception cref="IOException"><c>chown</c> failed.</exception>
    public static async Task HandOverAsync(SystemUser user, IReadOnlyList<string> folders, CancellationToken cancellationToken)
    {
        var (code, output) = await SystemUsers.RunAsync("chown", ["-R", "--no-dereference", $"{user.Uid}:{user.Gid}", "--", .. folders], Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new IOException("chown of the build folders failed: " + output.Trim());
        }

        if (!OperatingSystem.IsWindows())
        {
            foreach (var folder in folders)
            {
                File.SetUnixFileMode(folder, AppFiles.PrivateFolder);
            }
        }
    }
}
