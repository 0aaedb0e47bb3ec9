namespace Paas.Kubernetes.Processes;

/// <summary>
/// Gives each pod of a process type a stable 1-based index for its process name (<c>web.1</c>): a pod keeps its index as
/// long as it exists, a new pod takes the lowest free one. Deployments have no ordinals (StatefulSets do), so the index is
/// the platform's own and lasts for the life of the pod as this process knows it. Thread-safe.
/// </summary>
public sealed class ProcessIndexes
{
    private readonly Dictionary<(string App, string Type), Dictionary<string, int>> _byType = [];
    private readonly Lock _lock = new();

    /// <summary>Assigns indexes to the live pods of one type's generation and forgets the others.</summary>
    /// <param name="app">The app.</param>
    /// <param name="type">The numbering key: the process type and pod template hash (<see cref="PodProcesses.IndexKey"/>).</param>
    /// <param name="pods">The live pods' names, oldest first (new pods are numbered in this order).</param>
    /// <returns>Pod name to index.</returns>
    public IReadOnlyDictionary<string, int> Assign(string app, string type, IReadOnlyList<string> pods)
    {
        lock (_lock)
        {
            if (!_byType.TryGetValue((app, type), out var known))
            {
                known = new Dictionary<string, int>(StringComparer.Ordinal);
                _byType[(app, type)] = known;
            }

            foreach (var gone in known.Keys.Where(k => !pods.Contains(k)).ToList())
            {
                known.Remove(gone);
            }

            var used = new HashSet<int>(known.Values);
            var next = 1;
            foreach (var pod in pods.Where(p => !known.ContainsKey(p)))
            {
                while (used.Contains(next))
                {
                    next++;
                }

                known[pod] = next;
                used.Add(next);
            }

            return new Dictionary<string, int>(known, StringComparer.Ordinal);
        }
    }

    /// <summary>The index of a pod, when known.</summary>
    /// <param name="app">The app.</param>
    /// <param name="type">The numbering key (<see cref="PodProcesses.IndexKey"/>).</param>
    /// <param name="pod">The pod's name.</param>
    /// <returns>The index, or null.</returns>
    public int? Find(string app, string type, string pod)
    {
        lock (_lock)
        {
            return _byType.TryGetValue((app, type), out var known) && known.TryGetValue(pod, out var index) ? index : null;
        }
    }

    /// <summary>Forgets an app (destroyed).</summary>
    /// <param name="app">The app.</param>
    public void Forget(string app)
    {
        lock (_lock)
        {
            foreach (var key in _byType.Keys.Where(k => k.App == app).ToList())
            {
                _byType.Remove(key);
            }
        }
    }
}
