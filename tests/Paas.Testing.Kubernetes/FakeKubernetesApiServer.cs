using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Controllers;
using Paas.Testing.Kubernetes.Discovery;
using Paas.Testing.Kubernetes.Json;
using Paas.Testing.Kubernetes.Kubelet;
using Paas.Testing.Kubernetes.Schema;
using Paas.Testing.Kubernetes.Selection;
using Paas.Testing.Kubernetes.Store;
using Paas.Testing.Kubernetes.Streaming;

namespace Paas.Testing.Kubernetes;

/// <summary>
/// A fake Kubernetes API server on Kestrel (127.0.0.1, port 0) held to the recordings in <c>shared/kubernetes</c>: stateful,
/// with server-side apply, watches, simulated controllers (Deployment, ReplicaSet, scheduler, EndpointSlice, garbage
/// collector, namespace, HPA and PDB status) and a kubelet (<see cref="IFakeKubelet"/>) for pod status, logs and attach.
/// </summary>
public sealed class FakeKubernetesApiServer : IAsyncDisposable
{
    private readonly List<RecordedRequest> _requests = [];
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    private FakeKubernetesApiServer(FakeKubernetesOptions options)
    {
        Options = options;
        var openApi = options.OpenApiDirectory ?? SharedRecordings.OpenApiDirectory();
        State = new ClusterState(options, OpenApiDocuments.Load(openApi));
        Token = options.Token ?? "fake-" + Guid.NewGuid().ToString("N");
        Kubelet = options.Kubelet ?? new ScriptedFakeKubelet();
        Access = new AccessRules();
        Discovery = new DiscoveryEndpoint(DiscoveryEndpoint.RecordingsFor(openApi), openApi);
        Bridge = new KubeletBridge(this);
        Streams = new StreamEndpoints(this);
        Controllers = new ControllerManager(this);
    }

    /// <summary>The base address (<c>http://127.0.0.1:PORT</c>).</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The bearer token the server accepts; requests without it get the recorded 401.</summary>
    public string Token { get; }

    /// <summary>The node's kubelet.</summary>
    public IFakeKubelet Kubelet { get; }

    /// <summary>The kubelet as a <see cref="ScriptedFakeKubelet"/> (the default), or null when another kubelet was given.</summary>
    public ScriptedFakeKubelet? ScriptedKubelet => Kubelet as ScriptedFakeKubelet;

    /// <summary>The options.</summary>
    public FakeKubernetesOptions Options { get; }

    /// <summary>The OpenAPI validator the server checks writes with.</summary>
    public OpenApiValidator Validator => State.Validator;

    /// <summary>The current cluster-wide resourceVersion.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (State.Store.Sync)
            {
                return State.Store.ResourceVersion;
            }
        }
    }

    /// <summary>Exceptions the simulated controllers and kubelet calls threw (tests should assert it stays empty).</summary>
    public IReadOnlyList<Exception> ControllerErrors => [.. Controllers.Errors, .. Bridge.Errors];

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    internal ClusterState State { get; }

    internal AccessRules Access { get; }

    internal DiscoveryEndpoint Discovery { get; }

    internal KubeletBridge Bridge { get; }

    internal StreamEndpoints Streams { get; }

    internal ControllerManager Controllers { get; }

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts a server on a free port (another one when a program took it between the choice and the bind).</summary>
    public static Task<FakeKubernetesApiServer> StartAsync(FakeKubernetesOptions options, CancellationToken ct = default) =>
        LoopbackPort.StartOnFreePortsAsync(1, ports => StartOnAsync(options, ports[0], ct));

    private static async Task<FakeKubernetesApiServer> StartOnAsync(FakeKubernetesOptions options, int port, CancellationToken ct)
    {
        var server = new FakeKubernetesApiServer(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port); // not 0: see FreePorts
        });
        var app = builder.Build();
        app.UseWebSockets();
        var handler = new ApiHandler(server);
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        server._app = app;
        if (options.RunControllers)
        {
            server.Controllers.Start();
        }

        return server;
    }

    /// <summary>The stored object (a copy, with kind and apiVersion), or null.</summary>
    /// <param name="apiVersion"><c>apps/v1</c>, <c>v1</c>...</param>
    /// <param name="kind"><c>Deployment</c>...</param>
    /// <param name="ns">The namespace ("" for cluster-scoped kinds).</param>
    /// <param name="name">The name.</param>
    public JsonObject? Get(string apiVersion, string kind, string ns, string name)
    {
        var r = Resource(apiVersion, kind);
        lock (State.Store.Sync)
        {
            return State.Get(r, ns, name) is { } o ? Reparse(o) : null;
        }
    }

    /// <summary>The stored objects of a kind (copies with kind and apiVersion), ordered by namespace and name.</summary>
    /// <param name="apiVersion">The apiVersion.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="ns">A namespace, or null for all.</param>
    /// <param name="labelSelector">A label selector in query syntax, or null.</param>
    public IReadOnlyList<JsonObject> List(string apiVersion, string kind, string? ns = null, string? labelSelector = null)
    {
        var r = Resource(apiVersion, kind);
        var selector = LabelSelector.Parse(labelSelector);
        lock (State.Store.Sync)
        {
            return [.. State.Store.List(r, ns).Where(o => selector.Matches(KubeJson.Labels(o))).Select(Reparse)];
        }
    }

    /// <summary>Creates an object as a client's POST would (manager <paramref name="manager"/>); for seeding tests.</summary>
    public JsonObject Create(JsonObject obj, string manager = "test")
    {
        var r = Resource(KubeJson.Str(obj, "apiVersion") ?? string.Empty, KubeJson.Str(obj, "kind") ?? string.Empty);
        lock (State.Store.Sync)
        {
            return Reparse(State.Create(r, KubeJson.Str(obj, "metadata", "namespace") ?? string.Empty, KubeJson.CloneObject(obj), manager));
        }
    }

    /// <summary>Denies a verb (<c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>, <c>patch</c>, <c>delete</c>, <c>*</c>) on a resource (<c>deployments</c>, <c>deployments/scale</c>, <c>pods/log</c>) of a group ("" for core), for one user or everyone: the recorded 403.</summary>
    public void Deny(string verb, string group, string resource, string? user = null) => Access.Deny(verb, group, resource, user);

    /// <summary>Refuses creates of a resource as an exhausted ResourceQuota does: 403 <c>pods "x" is forbidden: MESSAGE</c>; the ReplicaSet controller then records FailedCreate Events.</summary>
    /// <param name="group">The group ("" for core).</param>
    /// <param name="resource">The plural (<c>pods</c>).</param>
    /// <param name="message">E.g. <c>exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2</c>.</param>
    /// <param name="ns">One namespace, or null for all.</param>
    public void RefuseCreates(string group, string resource, string message, string? ns = null) => Access.Quota(group, resource, ns, message);

    /// <summary>Removes every Deny and RefuseCreates rule.</summary>
    public void ClearAccessRules() => Access.Clear();

    /// <summary>Forgets the watch history, so a watch from any resourceVersion up to now gets 410 Expired.</summary>
    public void ExpireWatchHistory()
    {
        lock (State.Store.Sync)
        {
            State.Store.CompactHistory();
        }
    }

    /// <summary>
    /// Waits until the object satisfies <paramref name="condition"/> (null object: absent) and returns it. The condition
    /// is tried on the current state, then after every change in the store: on the object's own changes with the state
    /// that change left, so every state it passes through is seen, however briefly it lasts (a namespace's terminating
    /// phase); on any other change with the object's current state (so a condition may also look at other objects).
    /// </summary>
    /// <exception cref="TimeoutException">When no state within <paramref name="timeout"/> satisfied the condition; the message carries the last state.</exception>
    public async Task<JsonObject?> WaitForAsync(string apiVersion, string kind, string ns, string name, Func<JsonObject?, bool> condition, TimeSpan timeout)
    {
        var r = Resource(apiVersion, kind);
        var key = r.Namespaced ? ns : string.Empty;
        ChannelReader<StoreEvent> changes;
        Action unsubscribe;
        JsonObject? o;
        lock (State.Store.Sync)
        {
            changes = State.Store.Subscribe(out unsubscribe);
            o = Get(apiVersion, kind, ns, name);
        }

        try
        {
            if (condition(o))
            {
                return o;
            }

            using var expiry = new CancellationTokenSource(timeout);
            try
            {
                await foreach (var change in changes.ReadAllAsync(expiry.Token).ConfigureAwait(false))
                {
                    var ours = change.Resource == r && change.Namespace == key && KubeJson.Str(change.Object, "metadata", "name") == name;
                    o = !ours ? Get(apiVersion, kind, ns, name) : change.Type == "DELETED" ? null : Reparse(change.Object);
                    if (condition(o))
                    {
                        return o;
                    }
                }
            }
            catch (OperationCanceledException) when (expiry.IsCancellationRequested)
            {
            }

            throw new TimeoutException($"{kind} {ns}/{name} did not reach the condition within {timeout}; last state: {KubeJson.Serialize(o)}");
        }
        finally
        {
            unsubscribe();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Controllers.DisposeAsync().ConfigureAwait(false);
        lock (State.Store.Sync)
        {
            State.Store.CompleteAll();
        }

        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        // _stopping is not disposed: kubelet calls still finishing in the background read its token.
        await Kubelet.DisposeAsync().ConfigureAwait(false);
    }

    internal int Log(RecordedRequest r)
    {
        lock (_requests)
        {
            _requests.Add(r);
            return _requests.Count - 1;
        }
    }

    internal void SetStatus(int index, int status)
    {
        lock (_requests)
        {
            _requests[index] = _requests[index] with { Status = status };
        }
    }

    /// <summary>A copy whose values are parsed JSON (so <c>GetValue&lt;long&gt;()</c> works on any number).</summary>
    private static JsonObject Reparse(JsonObject o) => JsonNode.Parse(KubeJson.Serialize(o))!.AsObject();

    private static ApiResource Resource(string apiVersion, string kind) =>
        ApiResources.ByKind(apiVersion, kind) ?? throw new ArgumentException($"the fake serves no {apiVersion} {kind}", nameof(kind));
}
