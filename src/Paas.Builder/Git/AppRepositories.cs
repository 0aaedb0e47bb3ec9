using System.Globalization;

namespace Paas.Builder;

/// <summary>
/// Makes sure an app's bare repository exists (created on first use) with the current pre-receive hook, and that it, and the
/// builder's other folders of that app name, belong to this app and not to an earlier, destroyed app of the same name.
/// </summary>
internal sealed class AppRepositories(BuilderPaths paths, BuildUsers buildUsers)
{
    /// <summary>The file in a repository that holds when its app was created (ISO 8601, UTC).</summary>
    internal const string AppMarker = "paas-app-created";

    private readonly SemaphoreSlim _create = new(1, 1);

    /// <summary>
    /// Returns the path of <paramref name="app"/>'s bare repository, creating it when missing. A repository made for an earlier
    /// app of the same name (its <see cref="AppMarker"/> says another creation time: that app was destroyed and the name taken
    /// again, perhaps by someone else) is removed first, with that name's build cache, slug layers and Dockerfile layer cache,
    /// so nothing of the old app's source or builds reaches the new one. A repository without a marker (made before markers)
    /// is taken as this app's.
    /// </summary>
    /// <param name="app">The app's name.</param>
    /// <param name="createdAt">When the app was created, as the controller says.</param>
    /// <param name="cancellationToken">Cancels the wait for another request creating it.</param>
    /// <exception cref="IOException"><c>git init</c> failed.</exception>
    public async Task<string> EnsureAsync(string app, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var repository = paths.Repository(app);
        var marker = Path.Combine(repository, AppMarker);
        var stamp = createdAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        if (!File.Exists(Path.Combine(repository, "HEAD")) || (File.Exists(marker) ? File.ReadAllText(marker).Trim() : stamp) != stamp)
        {
            await _create.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (File.Exists(marker) && File.ReadAllText(marker).Trim() != stamp)
                {
                    DeleteFolders(app); // the destroyed app's: never handed to the new one
                }

                if (!File.Exists(Path.Combine(repository, "HEAD")))
                {
                    var temp = repository + ".init-" + PushRegistry.NewId()[..8];
                    var (code, _, error) = await GitCommand.CaptureAsync(["init", "--bare", "--quiet", "--initial-branch=master", temp], cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (code != 0)
                    {
                        throw new IOException("git init failed: " + error);
                    }

                    await File.WriteAllTextAsync(Path.Combine(temp, AppMarker), stamp + "\n", cancellationToken).ConfigureAwait(false);
                    Directory.CreateDirectory(Path.GetDirectoryName(repository)!);
                    Directory.Move(temp, repository);
                }
            }
            finally
            {
                _create.Release();
            }
        }

        if (!File.Exists(marker))
        {
            await File.WriteAllTextAsync(marker, stamp + "\n", cancellationToken).ConfigureAwait(false);
        }

        PreReceiveHook.Install(repository);
        return repository;
    }

    /// <summary>Deletes what the builder keeps under <paramref name="app"/>'s name (repository, build cache, slug layers, Dockerfile layer cache) and its build user, once the app is destroyed.</summary>
    /// <param name="app">The destroyed app's name.</param>
    /// <param name="cancellationToken">Cancels the wait for a request creating a repository.</param>
    /// <returns>A task that completes when they are gone.</returns>
    public async Task DeleteAsync(string app, CancellationToken cancellationToken)
    {
        await _create.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DeleteFolders(app);
        }
        finally
        {
            _create.Release();
        }

        await buildUsers.RemoveAsync(app).ConfigureAwait(false); // a later app of that name gets a user of its own
    }

    private void DeleteFolders(string app)
    {
        foreach (var folder in new[] { paths.Repository(app), paths.Cache(app), paths.SlugLayers(app), paths.Buildah(app) }.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
