namespace Paas.Builder;

/// <summary>Makes sure an app's bare repository exists (created on first use) with the current pre-receive hook.</summary>
internal sealed class AppRepositories(BuilderPaths paths)
{
    private readonly SemaphoreSlim _create = new(1, 1);

    /// <summary>Returns the path of <paramref name="app"/>'s bare repository, creating it when missing.</summary>
    public async Task<string> EnsureAsync(string app, CancellationToken cancellationToken)
    {
        var repository = paths.Repository(app);
        if (!File.Exists(Path.Combine(repository, "HEAD")))
        {
            await _create.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!File.Exists(Path.Combine(repository, "HEAD")))
                {
                    var temp = repository + ".init-" + PushRegistry.NewId()[..8];
                    var (code, _, error) = await GitCommand.CaptureAsync(["init", "--bare", "--quiet", "--initial-branch=master", temp], cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (code != 0)
                    {
                        throw new IOException("git init failed: " + error);
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(repository)!);
                    Directory.Move(temp, repository);
                }
            }
            finally
            {
                _create.Release();
            }
        }

        PreReceiveHook.Install(repository);
        return repository;
    }
}
