namespace Paas.Domain;

/// <summary>
/// The result of applying a <c>limits:set</c> / <c>limits:unset</c> request to a release's limits: the new limits per
/// process type and the words of the release summary ("alice changed limits web=512M, cpu web=500m").
/// </summary>
/// <param name="Values">The whole new limits, process type to limits, sorted by type; types with neither limit are left out.</param>
/// <param name="Set">What was set, like <c>web=512M</c> or <c>cpu web=500m</c>, in request order (memory first).</param>
/// <param name="Removed">What was unset, like <c>web</c> or <c>cpu web</c>.</param>
public sealed record LimitsChange(IReadOnlyDictionary<string, ProcessLimits> Values, IReadOnlyList<string> Set, IReadOnlyList<string> Removed)
{
    /// <summary>Whether anything changed.</summary>
    public bool IsEmpty => Set.Count == 0 && Removed.Count == 0;

    /// <summary>
    /// Applies a request to <paramref name="current"/>. A value sets the type's limit (memory as <c>512M</c>, CPU as <c>500m</c>,
    /// see <see cref="ResourceQuantity"/>), null removes it. Setting needs a type of the current build, or
    /// <see cref="ProcessTypes.OneOff"/> for one-off processes (<c>paas run</c>, as <c>heroku run --size</c> sizes them);
    /// removing works on any type that has a limit (so limits left from an older build can go).
    /// </summary>
    /// <param name="app">The app's name, for messages.</param>
    /// <param name="current">The limits of the release the change builds on.</param>
    /// <param name="memory">Process type to memory limit (null removes it), or null.</param>
    /// <param name="cpu">Process type to CPU limit (null removes it), or null.</param>
    /// <param name="processTypes">The current build's process types, or null when the app has no build yet.</param>
    /// <returns>The new limits and what changed.</returns>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> listing every problem found.</exception>
    public static LimitsChange Apply(
        string app,
        IReadOnlyDictionary<string, ProcessLimits> current,
        IReadOnlyDictionary<string, string?>? memory,
        IReadOnlyDictionary<string, string?>? cpu,
        IReadOnlyDictionary<string, string>? processTypes)
    {
        memory ??= new Dictionary<string, string?>();
        cpu ??= new Dictionary<string, string?>();
        if (memory.Count == 0 && cpu.Count == 0)
        {
            throw new DomainException(DomainErrorKind.Invalid, "no limits given: send {\"memory\": {\"web\": \"512M\"}, \"cpu\": {\"web\": \"500m\"}} (null removes a limit)");
        }

        if (processTypes is null && memory.Values.Concat(cpu.Values).Any(v => v is not null))
        {
            throw new DomainException(DomainErrorKind.Invalid, $"{app} has no build yet, so it has no process types to limit: deploy first with git push paas master");
        }

        var values = new SortedDictionary<string, ProcessLimits>(current.ToDictionary(), StringComparer.Ordinal);
        var errors = new List<string>();
        List<string> set = [], removed = [];
        foreach (var (kind, request) in new[] { ("memory", memory), ("cpu", cpu) })
        {
            foreach (var (type, text) in request.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var had = values.GetValueOrDefault(type) ?? new ProcessLimits(null, null);
                var prefix = kind == "cpu" ? "cpu " : "";
                if (text is null)
                {
                    if ((kind == "memory" ? had.MemoryBytes : had.CpuMillicores) is not null)
                    {
                        Store(values, type, kind == "memory" ? had with { MemoryBytes = null } : had with { CpuMillicores = null });
                        removed.Add(prefix + type);
                    }

                    continue;
                }

                if (!ProcessTypes.IsSizable(processTypes!, type))
                {
                    errors.Add($"{app} has no process type '{type}' (its types are {string.Join(", ", processTypes!.Keys.Order(StringComparer.Ordinal))}; '{ProcessTypes.OneOff}' sizes one-off processes)");
                    continue;
                }

                if (kind == "memory")
                {
                    if (ResourceQuantity.TryParseMemory(text, out var bytes) is { } error)
                    {
                        errors.Add($"{type}: {error}");
                    }
                    else if (had.MemoryBytes != bytes)
                    {
                        Store(values, type, had with { MemoryBytes = bytes });
                        set.Add($"{type}={ResourceQuantity.FormatMemory(bytes)}");
                    }
                }
                else if (ResourceQuantity.TryParseCpu(text, out var millicores) is { } error)
                {
                    errors.Add($"{type}: {error}");
                }
                else if (had.CpuMillicores != millicores)
                {
                    Store(values, type, had with { CpuMillicores = millicores });
                    set.Add($"cpu {type}={ResourceQuantity.FormatCpu(millicores)}");
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Invalid, string.Join("; ", errors));
        }

        return new LimitsChange(values, set, removed);
    }

    private static void Store(SortedDictionary<string, ProcessLimits> values, string type, ProcessLimits limits)
    {
        if (limits is { MemoryBytes: null, CpuMillicores: null })
        {
            values.Remove(type);
        }
        else
        {
            values[type] = limits;
        }
    }
}
