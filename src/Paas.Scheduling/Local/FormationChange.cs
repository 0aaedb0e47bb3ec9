namespace Paas.Scheduling.Local;

/// <summary>
/// How the schedulers on this machine (the local runtime and podman) bring the processes of the release that runs to a
/// new formation without touching the ones that stay: per type, the lowest-numbered processes are kept up to the count,
/// the others leave, and the missing numbers (lowest first) are started; a type no longer in the formation, or no
/// longer declared by the release, goes to 0. The one rule for both, as Heroku numbers dynos (<c>web.1</c>..<c>web.N</c>).
/// </summary>
internal static class FormationChange
{
    /// <summary>Plans the change.</summary>
    /// <param name="running">The processes now running.</param>
    /// <param name="spec">The release with its new formation.</param>
    /// <param name="create">Makes a process of a type and number (not started).</param>
    /// <param name="scaled">Told each type whose count changes, with its new count (<c>Scaled web to 4</c>).</param>
    /// <returns>The processes kept, those leaving (to drain and stop) and those to start.</returns>
    public static (List<T> Kept, List<T> Leaving, List<T> Starting) Plan<T>(IReadOnlyList<T> running, DeploymentSpec spec, Func<string, int, T> create, Action<string, int> scaled)
        where T : ISupervisedProcess
    {
        var kept = new List<T>();
        var leaving = new List<T>();
        var starting = new List<T>();
        foreach (var group in running.GroupBy(p => p.Type))
        {
            var count = spec.ProcessTypes.ContainsKey(group.Key) ? spec.Formation.GetValueOrDefault(group.Key) : 0;
            var ordered = group.OrderBy(p => p.Index).ToList();
            kept.AddRange(ordered.Take(count));
            leaving.AddRange(ordered.Skip(count));
        }

        foreach (var (type, count) in spec.Formation.Where(kv => spec.ProcessTypes.ContainsKey(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var used = kept.Where(p => p.Type == type).Select(p => p.Index).ToHashSet();
            for (int index = 1, have = used.Count; have < count; index++)
            {
                if (used.Add(index))
                {
                    starting.Add(create(type, index));
                    have++;
                }
            }

            if (running.Count(p => p.Type == type) != count)
            {
                scaled(type, count);
            }
        }

        foreach (var type in running.Select(p => p.Type).Distinct().Where(t => !spec.Formation.ContainsKey(t) || !spec.ProcessTypes.ContainsKey(t)))
        {
            scaled(type, 0);
        }

        return (kept, leaving, starting);
    }
}
