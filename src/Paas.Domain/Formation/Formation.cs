namespace Paas.Domain;

/// <summary>
/// The formation rules: how many processes of each type an app runs (Heroku's "formation", Deis' "structure").
/// </summary>
public static class Formation
{
    /// <summary>The most processes of one type an app may run on this platform.</summary>
    public const int MaxQuantity = 100;

    /// <summary>
    /// The formation a build starts with when its types have no count yet: one <c>web</c> process, none of the
    /// others (as Heroku does on the first deploy). Counts already set are kept.
    /// </summary>
    /// <param name="current">The counts set so far (type to count).</param>
    /// <param name="processTypes">The process types of the new build.</param>
    /// <returns>The counts for every type of the build.</returns>
    public static IReadOnlyDictionary<string, int> ForBuild(IReadOnlyDictionary<string, int> current, IReadOnlyDictionary<string, string> processTypes) =>
        processTypes.Keys.ToDictionary(
            type => type,
            type => current.TryGetValue(type, out var n) ? n : type == ProcessTypes.Web ? 1 : 0,
            StringComparer.Ordinal);

    /// <summary>Checks a scale request against the current build's process types.</summary>
    /// <param name="app">The app's name, for messages.</param>
    /// <param name="request">Type to wanted count.</param>
    /// <param name="processTypes">The current build's process types, or null when the app has no build yet.</param>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> listing every problem found.</exception>
    public static void EnsureValidScale(string app, IReadOnlyDictionary<string, int>? request, IReadOnlyDictionary<string, string>? processTypes)
    {
        if (request is null || request.Count == 0)
        {
            throw new DomainException(DomainErrorKind.Invalid, "no process types given: send {\"web\": 2, \"worker\": 1}");
        }

        if (processTypes is null)
        {
            throw new DomainException(DomainErrorKind.Invalid, $"{app} has no build yet, so there is nothing to scale: deploy first with git push paas master");
        }

        var errors = new List<string>();
        foreach (var (type, count) in request)
        {
            if (!processTypes.ContainsKey(type))
            {
                errors.Add($"{app} has no process type '{type}' (its types are {string.Join(", ", processTypes.Keys.Order(StringComparer.Ordinal))})");
            }
            else if (count is < 0 or > MaxQuantity)
            {
                errors.Add($"{type}={count} is out of range: a count is between 0 and {MaxQuantity}");
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Invalid, string.Join("; ", errors));
        }
    }
}
