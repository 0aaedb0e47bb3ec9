using System.Collections.Concurrent;

using Paas.Scheduling;

namespace Paas.Testing;

/// <summary>
/// A test double of <see cref="IScheduler"/>: it records what it is asked to run and runs nothing.
/// Its processes are listed in the <see cref="ProcessState.Down"/> state, honestly. Tests can make the next
/// deploys fail with <see cref="FailNextDeploy"/>. It lives with the tests: the product has no default scheduler, and a host
/// that registers none fails at start, naming what is missing.
/// </summary>
public sealed class RecordingScheduler : IScheduler
{
    private readonly ConcurrentDictionary<string, DeploymentSpec> _deployed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly ConcurrentQueue<string> _failures = new();

    /// <summary>Whether it claims to honour <see cref="DeploymentSpec.Autoscale"/> (default false, as the local runtime); tests set it.</summary>
    public bool SupportsAutoscaling { get; set; }

    /// <summary>Whether to claim TTY support (default false: the API then tells callers that runs have no terminal).</summary>
    public bool SupportsTty { get; set; }

    /// <summary>Every call made, in order, as one line each: <c>deploy hello v3</c>, <c>scale hello web=2</c>, <c>restart hello web</c>, <c>destroy hello</c>.</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    /// <summary>The spec each app runs now (its last successful deploy or scale).</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>The spec, or null when nothing runs.</returns>
    public DeploymentSpec? Running(string app) => _deployed.GetValueOrDefault(app);

    /// <summary>Makes the next deploy (of any app) fail with <paramref name="reason"/>; calls queue up.</summary>
    /// <param name="reason">The failure reason to report.</param>
    public void FailNextDeploy(string reason) => _failures.Enqueue(reason);

    /// <inheritdoc />
    public Task<DeployResult> DeployAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        _calls.Enqueue($"deploy {spec.App} v{spec.Release}");
        if (_failures.TryDequeue(out var reason))
        {
            return Task.FromResult(DeployResult.Failure(reason));
        }

        _deployed[spec.App] = spec;
        return Task.FromResult(DeployResult.Success);
    }

    /// <inheritdoc />
    public Task ScaleAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        _calls.Enqueue($"scale {spec.App} {string.Join(' ', spec.Formation.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}");
        _deployed[spec.App] = spec;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RestartAsync(string app, string? target, CancellationToken cancellationToken)
    {
        _calls.Enqueue($"restart {app} {target ?? "all"}");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ProcessStatus>> ListAsync(string app, CancellationToken cancellationToken)
    {
        if (!_deployed.TryGetValue(app, out var spec))
        {
            return Task.FromResult<IReadOnlyList<ProcessStatus>>([]);
        }

        IReadOnlyList<ProcessStatus> list =
        [
            .. spec.Formation
                .Where(kv => spec.ProcessTypes.ContainsKey(kv.Key))
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .SelectMany(kv => Enumerable.Range(1, kv.Value)
                    .Select(i => new ProcessStatus($"{kv.Key}.{i}", kv.Key, ProcessState.Down, spec.Release, spec.ProcessTypes[kv.Key], null))),
        ];
        return Task.FromResult(list);
    }

    /// <inheritdoc />
    public Task DestroyAsync(string app, CancellationToken cancellationToken)
    {
        _calls.Enqueue($"destroy {app}");
        _deployed.TryRemove(app, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Records <c>run APP COMMAND</c> and answers honestly that nothing ran.</remarks>
    public Task<RunResult> RunAsync(RunRequest request, Func<string, CancellationToken, ValueTask> output, CancellationToken cancellationToken)
    {
        _calls.Enqueue($"run {request.Spec.App} {request.Command}");
        return Task.FromResult(RunResult.NotStarted("run.1", "the recording scheduler runs no processes"));
    }

    /// <inheritdoc />
    public Task ReconcileAsync(IReadOnlyCollection<DeploymentSpec> desired, CancellationToken cancellationToken)
    {
        _calls.Enqueue($"reconcile {string.Join(' ', desired.Select(d => $"{d.App}@v{d.Release}").Order(StringComparer.Ordinal))}".TrimEnd());
        var wanted = desired.ToDictionary(d => d.App, StringComparer.Ordinal);
        foreach (var app in _deployed.Keys.Where(a => !wanted.ContainsKey(a)).ToList())
        {
            _deployed.TryRemove(app, out _);
        }

        foreach (var spec in desired)
        {
            _deployed[spec.App] = spec;
        }

        return Task.CompletedTask;
    }
}
