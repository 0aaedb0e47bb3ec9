using Xunit;

namespace Paas.Builder.Tests.Git;

/// <summary>
/// A builder that was not told of a destroy (another process) still hands nothing of a destroyed app to the app that takes
/// its name: the repository remembers when its app was created.
/// </summary>
public sealed class AppRepositoriesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paas-repos-").FullName;

    [Fact]
    public async Task A_repository_of_an_earlier_app_of_the_same_name_is_replaced_with_its_caches()
    {
        var paths = new BuilderPaths(_dir);
        var repositories = new AppRepositories(paths, TestBuildUsers.None);
        var cancel = TestContext.Current.CancellationToken;
        var first = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        var repository = await repositories.EnsureAsync("shop", first, cancel);
        await File.WriteAllTextAsync(Path.Combine(repository, "old-object"), "alice's", cancel);
        Directory.CreateDirectory(paths.Cache("shop"));
        Directory.CreateDirectory(paths.Buildah("shop"));

        Assert.Equal(repository, await repositories.EnsureAsync("shop", first, cancel)); // the same app: kept
        Assert.True(File.Exists(Path.Combine(repository, "old-object")));

        await repositories.EnsureAsync("shop", first.AddMinutes(5), cancel); // destroyed and made again
        Assert.False(File.Exists(Path.Combine(repository, "old-object")));
        Assert.True(File.Exists(Path.Combine(repository, "HEAD")));
        Assert.False(Directory.Exists(paths.Cache("shop")));
        Assert.False(Directory.Exists(paths.Buildah("shop")));
    }

    [Fact]
    public async Task Deleting_an_apps_data_removes_its_repository_and_caches()
    {
        var paths = new BuilderPaths(_dir);
        var repositories = new AppRepositories(paths, TestBuildUsers.None);
        var cancel = TestContext.Current.CancellationToken;
        await repositories.EnsureAsync("shop", DateTimeOffset.UtcNow, cancel);
        Directory.CreateDirectory(paths.SlugLayers("shop"));
        await repositories.DeleteAsync("shop", cancel);
        Assert.False(Directory.Exists(paths.Repository("shop")));
        Assert.False(Directory.Exists(paths.SlugLayers("shop")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
