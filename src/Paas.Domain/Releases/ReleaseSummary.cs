namespace Paas.Domain;

/// <summary>
/// Writes the one-line summaries of releases the way Heroku and Deis show them in <c>releases</c>:
/// "alice created initial release", "alice deployed 1a2b3c4", "alice added FOO, changed BAR",
/// "alice rolled back to v2", "alice changed limits web=512M", "alice set a health check on web".
/// </summary>
public static class ReleaseSummary
{
    /// <summary>The summary of v1, made with the app.</summary>
    /// <param name="user">Who created the app.</param>
    /// <returns>"alice created initial release".</returns>
    public static string Initial(string user) => $"{user} created initial release";

    /// <summary>The summary of a release made by a new build.</summary>
    /// <param name="user">Who deployed.</param>
    /// <param name="sha">The source commit, when the build came from git.</param>
    /// <param name="image">The image reference, used when there is no commit.</param>
    /// <returns>"alice deployed 1a2b3c4" or "alice deployed registry/app:tag".</returns>
    public static string Deployed(string user, string? sha, string image) =>
        $"{user} deployed {(string.IsNullOrEmpty(sha) ? image : sha[..Math.Min(7, sha.Length)])}";

    /// <summary>The summary of a release made by a config change.</summary>
    /// <param name="user">Who changed the config.</param>
    /// <param name="change">What changed; must not be empty.</param>
    /// <returns>"alice added FOO, BAR, changed BAZ, removed OLD".</returns>
    public static string ConfigChanged(string user, ConfigChange change)
    {
        var parts = new List<string>(3);
        if (change.Added.Count > 0)
        {
            parts.Add("added " + string.Join(", ", change.Added));
        }

        if (change.Changed.Count > 0)
        {
            parts.Add("changed " + string.Join(", ", change.Changed));
        }

        if (change.Removed.Count > 0)
        {
            parts.Add("removed " + string.Join(", ", change.Removed));
        }

        return $"{user} {string.Join(", ", parts)}";
    }

    /// <summary>The summary of a release made by a limits change.</summary>
    /// <param name="user">Who changed the limits.</param>
    /// <param name="change">What changed; must not be empty.</param>
    /// <returns>"alice changed limits web=512M, cpu web=500m, removed limits worker".</returns>
    public static string LimitsChanged(string user, LimitsChange change)
    {
        var parts = new List<string>(2);
        if (change.Set.Count > 0)
        {
            parts.Add("changed limits " + string.Join(", ", change.Set));
        }

        if (change.Removed.Count > 0)
        {
            parts.Add("removed limits " + string.Join(", ", change.Removed));
        }

        return $"{user} {string.Join(", ", parts)}";
    }

    /// <summary>The summary of a release that sets a health check.</summary>
    /// <param name="user">Who set it.</param>
    /// <param name="type">The process type.</param>
    /// <returns>"alice set a health check on web".</returns>
    public static string HealthCheckSet(string user, string type) => $"{user} set a health check on {type}";

    /// <summary>The summary of a release that removes a health check.</summary>
    /// <param name="user">Who removed it.</param>
    /// <param name="type">The process type.</param>
    /// <returns>"alice removed the health check of web".</returns>
    public static string HealthCheckRemoved(string user, string type) => $"{user} removed the health check of {type}";

    /// <summary>The summary of a rollback release.</summary>
    /// <param name="user">Who rolled back.</param>
    /// <param name="version">The release whose build and config were restored.</param>
    /// <returns>"alice rolled back to v2".</returns>
    public static string RolledBack(string user, int version) => $"{user} rolled back to v{version}";
}
