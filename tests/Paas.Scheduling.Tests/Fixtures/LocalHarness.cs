using Microsoft.Extensions.Logging.Abstractions;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;

namespace Paas.Scheduling.Tests.Fixtures;

/// <summary>A local runtime over a temporary data folder with the fixture slug as <see cref="Image"/>.</summary>
internal sealed class LocalHarness : IAsyncDisposable
{
    public const string Image = "127.0.0.1:5000/fixture@sha256:2222222222222222222222222222222222222222222222222222222222222222";

    public LocalHarness(Action<LocalRuntimeOptions>? configure = null, ISlugSource? slugs = null)
    {
        DataDir = Directory.CreateTempSubdirectory("paas-local-").FullName;
        Slugs.Add(Image, FixtureSlug.Write(Path.Combine(DataDir, "fixture")));
        Options = new LocalRuntimeOptions
        {
            DataDirectory = DataDir,
            BootTimeout = TimeSpan.FromSeconds(15),
            StopGracePeriod = TimeSpan.FromSeconds(3),
            EndpointDrainDelay = TimeSpan.Zero,
            CrashBackoffInitial = TimeSpan.FromMilliseconds(200),
            CrashBackoffMax = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(Options);
        Logs = new FileLogStore(Path.Combine(DataDir, "logs"));
        Scheduler = new LocalProcessScheduler(Microsoft.Extensions.Options.Options.Create(Options), slugs ?? Slugs, Logs, NullLogger<LocalProcessScheduler>.Instance);
    }

    public string DataDir { get; }

    public FixtureSlugSource Slugs { get; } = new();

    public LocalRuntimeOptions Options { get; }

    public FileLogStore Logs { get; }

    public LocalProcessScheduler Scheduler { get; }

    private readonly HashSet<string> _apps = [];

    public DeploymentSpec Spec(string app, int release, IReadOnlyDictionary<string, string> processTypes, IReadOnlyDictionary<string, int> formation, IReadOnlyDictionary<string, string>? config = null, string image = Image)
    {
        _apps.Add(app);
        return new(app, release, image, config ?? new Dictionary<string, string>(), processTypes, formation, "cafe42");
    }

    public IReadOnlyList<string> Lines(string app, string? process = null) => [.. Logs.Tail(app, 1500, process).Select(l => l.ToString())];

    public async Task WaitForLogAsync(string app, string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!Lines(app).Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no log line with '{text}':\n" + string.Join('\n', Lines(app)));
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await Scheduler.DestroyAsync(app, CancellationToken.None); // also removes the app's user when confined
        }

        await Scheduler.DisposeAsync();
        Logs.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // a process still writing; the temp folder is cleaned later
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
