using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>
/// Runs the simulated controllers in one loop: after every change (debounced by <see cref="FakeKubernetesOptions.ControllerDelay"/>)
/// and every <see cref="FakeKubernetesOptions.ControllerInterval"/>, one pass of namespace, garbage collector, Deployment,
/// ReplicaSet, scheduler, EndpointSlice, HPA and PDB controllers under the store's lock; pods bound in the pass are handed
/// to the kubelet afterwards.
/// </summary>
public sealed class ControllerManager : IAsyncDisposable
{
    private readonly FakeKubernetesApiServer _server;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Exception> _errors = [];
    private Task? _loop;

    /// <summary>Creates the controllers.</summary>
    public ControllerManager(FakeKubernetesApiServer server)
    {
        _server = server;
        var state = server.State;
        Events = new EventRecorder(state);
        Deployments = new DeploymentController(state, Events, server.Options);
        ReplicaSets = new ReplicaSetController(state, Events, server.Access);
        Scheduler = new PodScheduler(state, Events, server.Options);
        EndpointSlices = new EndpointSliceController(state);
        Collector = new GarbageCollector(state);
        Namespaces = new NamespaceController(state, server.Options);
        Autoscalers = new AutoscalerController(state, Events, server.Options);
        Budgets = new DisruptionController(state);
    }

    /// <summary>The event recorder (the kubelet bridge records through it too).</summary>
    public EventRecorder Events { get; }

    /// <summary>Errors controllers threw (a test can assert there were none).</summary>
    public IReadOnlyList<Exception> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    private DeploymentController Deployments { get; }

    private ReplicaSetController ReplicaSets { get; }

    private PodScheduler Scheduler { get; }

    private EndpointSliceController EndpointSlices { get; }

    private GarbageCollector Collector { get; }

    private NamespaceController Namespaces { get; }

    private AutoscalerController Autoscalers { get; }

    private DisruptionController Budgets { get; }

    /// <summary>Starts the loop.</summary>
    public void Start()
    {
        lock (_server.State.Store.Sync)
        {
            _server.State.Store.Changed += Poke;
        }

        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Asks for a pass soon.</summary>
    public void Poke()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_server.Options.ControllerInterval, token).ConfigureAwait(false);
                await Task.Delay(_server.Options.ControllerDelay, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            List<JsonObject> bound = [];
            lock (_server.State.Store.Sync)
            {
                foreach (var pass in new Action[] { Namespaces.Sync, Collector.Sync, Deployments.Sync, ReplicaSets.Sync, () => bound = Scheduler.Sync(), EndpointSlices.Sync, Autoscalers.Sync, Budgets.Sync })
                {
                    try
                    {
                        pass();
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        lock (_errors)
                        {
                            if (_errors.Count < 100)
                            {
                                _errors.Add(e);
                            }
                        }
                    }
                }
            }

            foreach (var pod in bound)
            {
                _server.Bridge.Start(pod);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
        _signal.Dispose();
    }
}
