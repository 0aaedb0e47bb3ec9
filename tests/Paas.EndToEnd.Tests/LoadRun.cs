using System.Collections.Concurrent;
using System.Diagnostics;

namespace Paas.EndToEnd.Tests;

/// <summary>
/// A bounded load on the router: a few workers sending sequential GETs with one Host until stopped (at most
/// <see cref="MaxDuration"/>). Records every failure (non-200 or exception) and the slowest request.
/// </summary>
internal sealed class LoadRun
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<string, int> _bodies = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private long _requests;
    private long _slowestTicks;

    private LoadRun(PlatformSession platform, string host, int workers)
    {
        _stop.CancelAfter(MaxDuration);
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(platform, host))).ToArray();
    }

    public long Requests => Interlocked.Read(ref _requests);

    public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>The distinct answers seen, with their counts.</summary>
    public IReadOnlyDictionary<string, int> Bodies => _bodies;

    public static LoadRun Start(PlatformSession platform, string host, int workers = 4) => new(platform, host, workers);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }

    public string Summary() =>
        $"{Requests} requests, {Failures.Count} failed, slowest {Slowest.TotalMilliseconds:0} ms; answers: "
        + string.Join("; ", Bodies.Select(b => $"{b.Value}x {b.Key.Trim()}"))
        + (Failures.Count == 0 ? "" : "\nfailures (first 20):\n" + string.Join('\n', Failures.Take(20)));

    private async Task WorkAsync(PlatformSession platform, string host)
    {
        // Longer than the deploy grace period: a slow request is measured, not cut short.
        using var client = platform.RouterClient(TimeSpan.FromSeconds(45));
        var uri = new Uri($"http://{host}:{platform.Paasd.HttpPort}/");
        while (!_stop.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                using var response = await client.GetAsync(uri, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    _failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {(int)response.StatusCode}: {body.Trim()}");
                }
                else
                {
                    _bodies.AddOrUpdate(body, 1, (_, n) => n + 1);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                _failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {e.GetType().Name}: {e.Message}");
            }

            watch.Stop();
            Interlocked.Increment(ref _requests);
            long seen;
            while ((seen = Interlocked.Read(ref _slowestTicks)) < watch.Elapsed.Ticks
                && Interlocked.CompareExchange(ref _slowestTicks, watch.Elapsed.Ticks, seen) != seen)
            {
            }
        }
    }
}
