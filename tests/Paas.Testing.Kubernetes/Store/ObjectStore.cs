using System.Text.Json.Nodes;
using System.Threading.Channels;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Store;

/// <summary>
/// The cluster's objects with one resourceVersion counter shared by all (as etcd's revision), a bounded history of changes
/// for watches, and subscribers. Every method must be called holding <see cref="Sync"/>.
/// </summary>
public sealed class ObjectStore(long initialResourceVersion, int historyCapacity)
{
    private readonly Dictionary<(ApiResource Resource, string Namespace, string Name), JsonObject> _objects = [];
    private readonly LinkedList<StoreEvent> _history = new();
    private readonly List<Channel<StoreEvent>> _subscribers = [];
    private long _resourceVersion = initialResourceVersion;
    private long _oldestWatchable = initialResourceVersion;

    /// <summary>The lock every caller holds.</summary>
    public object Sync { get; } = new();

    /// <summary>Raised (under the lock) after every change.</summary>
    public event Action? Changed;

    /// <summary>The current resourceVersion.</summary>
    public long ResourceVersion => _resourceVersion;

    /// <summary>The oldest resourceVersion a watch may start from.</summary>
    public long OldestWatchable => _oldestWatchable;

    /// <summary>Takes the next resourceVersion.</summary>
    public long Next() => ++_resourceVersion;

    /// <summary>The stored object, or null (the stored instance: copy before handing out).</summary>
    public JsonObject? Get(ApiResource resource, string ns, string name) =>
        _objects.TryGetValue((resource, resource.Namespaced ? ns : string.Empty, name), out var o) ? o : null;

    /// <summary>Objects of a resource in a namespace (null: all namespaces), ordered by namespace then name.</summary>
    public List<JsonObject> List(ApiResource resource, string? ns) =>
        [.. _objects.Where(p => p.Key.Resource == resource && (ns is null || !resource.Namespaced || p.Key.Namespace == ns))
            .OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal).Select(p => p.Value)];

    /// <summary>Every object in a namespace, any resource.</summary>
    public List<(ApiResource Resource, JsonObject Object)> InNamespace(string ns) =>
        [.. _objects.Where(p => p.Key.Resource.Namespaced && p.Key.Namespace == ns).Select(p => (p.Key.Resource, p.Value))];

    /// <summary>Stores <paramref name="obj"/> (which must carry its new resourceVersion) and records the event.</summary>
    public void Put(ApiResource resource, JsonObject obj, long rv)
    {
        var key = Key(resource, obj);
        _objects.TryGetValue(key, out var previous);
        _objects[key] = obj;
        Record(new StoreEvent(previous is null ? "ADDED" : "MODIFIED", resource, KubeJson.CloneObject(obj), previous is null ? null : KubeJson.CloneObject(previous), rv));
    }

    /// <summary>Removes the object; the DELETED event carries <paramref name="last"/> with resourceVersion <paramref name="rv"/>.</summary>
    public void Remove(ApiResource resource, JsonObject last, long rv)
    {
        var key = Key(resource, last);
        if (_objects.Remove(key, out var previous))
        {
            Record(new StoreEvent("DELETED", resource, KubeJson.CloneObject(last), previous, rv));
        }
    }

    /// <summary>The events after <paramref name="rv"/>, oldest first.</summary>
    public List<StoreEvent> Since(long rv) => [.. _history.Where(e => e.ResourceVersion > rv)];

    /// <summary>Subscribes to future events.</summary>
    public ChannelReader<StoreEvent> Subscribe(out Action unsubscribe)
    {
        var channel = Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = true });
        _subscribers.Add(channel);
        unsubscribe = () =>
        {
            lock (Sync)
            {
                _subscribers.Remove(channel);
            }

            channel.Writer.TryComplete();
        };
        return channel.Reader;
    }

    /// <summary>Ends every subscription (server shutdown).</summary>
    public void CompleteAll()
    {
        foreach (var s in _subscribers)
        {
            s.Writer.TryComplete();
        }

        _subscribers.Clear();
    }

    /// <summary>Bumps the counter so the history no longer covers resourceVersions up to now (tests of 410 Expired).</summary>
    public void CompactHistory()
    {
        _history.Clear();
        _oldestWatchable = _resourceVersion;
    }

    private static (ApiResource, string, string) Key(ApiResource resource, JsonObject obj) =>
        (resource, resource.Namespaced ? KubeJson.Str(obj, "metadata", "namespace") ?? string.Empty : string.Empty, KubeJson.Str(obj, "metadata", "name") ?? string.Empty);

    private void Record(StoreEvent e)
    {
        _history.AddLast(e);
        while (_history.Count > historyCapacity)
        {
            _oldestWatchable = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var s in _subscribers)
        {
            s.Writer.TryWrite(e);
        }

        Changed?.Invoke();
    }
}
