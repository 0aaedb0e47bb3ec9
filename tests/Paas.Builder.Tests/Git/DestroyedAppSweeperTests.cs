using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Paas.Builder.Tests.Git;

/// <summary>A builder in a process of its own deletes the folders of apps the controller no longer has, and nothing else.</summary>
public sealed class DestroyedAppSweeperTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paas-sweep-").FullName;

    [Fact]
    public async Task Folders_of_apps_that_no_longer_exist_are_deleted_unless_the_app_is_building()
    {
        var paths = new BuilderPaths(_dir);
        var repositories = new AppRepositories(paths, TestBuildUsers.None);
        var locks = new AppLocks();
        var cancel = TestContext.Current.CancellationToken;
        foreach (var app in new[] { "kept", "gone", "building" })
        {
            await repositories.EnsureAsync(app, DateTimeOffset.UtcNow, cancel);
            Directory.CreateDirectory(paths.Cache(app));
        }

        Directory.CreateDirectory(paths.SlugLayers("orphan")); // a cache without a repository is swept too
        Directory.CreateDirectory(Path.Combine(paths.Repositories, "gone.git.init-1234abcd")); // not an app's: left alone
        var sweeper = new DestroyedAppSweeper(new ListedApps("kept"), repositories, paths, locks, NullLogger<DestroyedAppSweeper>.Instance);

        using (locks.TryAcquire("building"))
        {
            Assert.Equal(["gone", "orphan"], (await sweeper.SweepAsync(cancel)).Order(StringComparer.Ordinal));
        }

        Assert.True(Directory.Exists(paths.Repository("kept")));
        Assert.True(Directory.Exists(paths.Cache("kept")));
        Assert.False(Directory.Exists(paths.Repository("gone")));
        Assert.False(Directory.Exists(paths.Cache("gone")));
        Assert.False(Directory.Exists(paths.SlugLayers("orphan")));
        Assert.True(Directory.Exists(paths.Repository("building"))); // its build held the app: the next sweep
        Assert.Equal(["building"], await sweeper.SweepAsync(cancel));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The controller's answer, as a list (the HTTP contract is tested in the controller's RolesTests).</summary>
    private sealed class ListedApps(params string[] names) : IExistingApps
    {
        public Task<IReadOnlySet<string>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(names));
    }
}
