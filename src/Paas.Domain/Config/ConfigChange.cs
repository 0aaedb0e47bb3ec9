namespace Paas.Domain;

/// <summary>
/// The result of applying a set/unset request to a config: the new values and what changed, from which
/// the release summary is written ("alice added FOO, changed BAR, removed BAZ").
/// </summary>
/// <param name="Values">The whole new config, name to value, sorted by name (ordinal).</param>
/// <param name="Added">Names that were not set before, sorted.</param>
/// <param name="Changed">Names whose value changed, sorted.</param>
/// <param name="Removed">Names unset, sorted.</param>
public sealed record ConfigChange(
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Changed,
    IReadOnlyList<string> Removed)
{
    /// <summary>The most bytes (UTF-16 code units of names plus values) one app's config may hold: 64 KiB.</summary>
    public const int MaxTotalSize = 64 * 1024;

    /// <summary>Whether anything changed.</summary>
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;

    /// <summary>
    /// Applies <paramref name="changes"/> (name to new value, null to unset) to <paramref name="current"/>.
    /// Unsetting a name that is not set is not an error (it changes nothing).
    /// </summary>
    /// <param name="current">The config now.</param>
    /// <param name="changes">The requested changes.</param>
    /// <returns>The new config and the lists of names added, changed and removed.</returns>
    /// <exception cref="DomainException">
    /// <see cref="DomainErrorKind.Invalid"/> for an empty request, a bad name, a value with a NUL character or a config
    /// over <see cref="MaxTotalSize"/>; every bad name is listed in the message.
    /// </exception>
    public static ConfigChange Apply(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string?>? changes)
    {
        if (changes is null || changes.Count == 0)
        {
            throw new DomainException(DomainErrorKind.Invalid, "no config vars given: send {\"values\": {\"NAME\": \"value\"}} (null unsets a name)");
        }

        var errors = changes.Keys.Select(ConfigVarName.Validate).OfType<string>().ToList();
        errors.AddRange(changes.Where(kv => kv.Value?.Contains('\0', StringComparison.Ordinal) == true)
            .Select(kv => $"the value of {kv.Key} contains a NUL character, which no environment variable can hold"));
        if (errors.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Invalid, string.Join("; ", errors));
        }

        var values = new SortedDictionary<string, string>(current.ToDictionary(), StringComparer.Ordinal);
        List<string> added = [], changed = [], removed = [];
        foreach (var (name, value) in changes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var had = values.TryGetValue(name, out var old);
            if (value is null)
            {
                if (had)
                {
                    values.Remove(name);
                    removed.Add(name);
                }
            }
            else if (!had)
            {
                values[name] = value;
                added.Add(name);
            }
            else if (!string.Equals(old, value, StringComparison.Ordinal))
            {
                values[name] = value;
                changed.Add(name);
            }
        }

        var size = values.Sum(kv => kv.Key.Length + kv.Value.Length);
        if (size > MaxTotalSize)
        {
            throw new DomainException(DomainErrorKind.Invalid, $"the config would hold {size} characters; an app's config vars may hold at most {MaxTotalSize}");
        }

        return new ConfigChange(values, added, changed, removed);
    }
}
