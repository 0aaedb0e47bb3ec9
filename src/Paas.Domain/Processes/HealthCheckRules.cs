namespace Paas.Domain;

/// <summary>
/// The rules for <c>paas healthchecks:set</c>: an absolute path without spaces or control characters (it is sent as the
/// request target of <c>GET</c>, RFC 9112 section 3.2.1) and numbers in ranges a readiness probe can honour.
/// </summary>
public static class HealthCheckRules
{
    /// <summary>The longest path, in characters.</summary>
    public const int MaxPathLength = 1024;

    /// <summary>The longest timeout of one check, in seconds.</summary>
    public const int MaxTimeoutSeconds = 60;

    /// <summary>The longest interval between checks, in seconds.</summary>
    public const int MaxIntervalSeconds = 300;

    /// <summary>The most failed checks in a row before a process counts as not up.</summary>
    public const int MaxFailureThreshold = 10;

    /// <summary>Checks a health check of a process type against the current build.</summary>
    /// <param name="app">The app's name, for messages.</param>
    /// <param name="type">The process type.</param>
    /// <param name="check">The health check.</param>
    /// <param name="processTypes">The current build's process types, or null when the app has no build yet.</param>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> listing every problem found.</exception>
    public static void EnsureValid(string app, string? type, HealthCheck check, IReadOnlyDictionary<string, string>? processTypes)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw new DomainException(DomainErrorKind.Invalid, "no process type given: send {\"type\": \"web\", \"path\": \"/health\"}");
        }

        if (processTypes is null)
        {
            throw new DomainException(DomainErrorKind.Invalid, $"{app} has no build yet, so it has no process types to check: deploy first with git push paas master");
        }

        var errors = new List<string>();
        if (!processTypes.ContainsKey(type))
        {
            errors.Add($"{app} has no process type '{type}' (its types are {string.Join(", ", processTypes.Keys.Order(StringComparer.Ordinal))})");
        }

        if (ValidatePath(check.Path) is { } pathError)
        {
            errors.Add(pathError);
        }

        if (check.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            errors.Add($"timeout {check.TimeoutSeconds} is out of range: use 1 to {MaxTimeoutSeconds} seconds, like 2");
        }

        if (check.IntervalSeconds is < 1 or > MaxIntervalSeconds)
        {
            errors.Add($"interval {check.IntervalSeconds} is out of range: use 1 to {MaxIntervalSeconds} seconds, like 5");
        }

        if (check.FailureThreshold is < 1 or > MaxFailureThreshold)
        {
            errors.Add($"threshold {check.FailureThreshold} is out of range: use 1 to {MaxFailureThreshold} failed checks in a row, like 3");
        }

        if (errors.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Invalid, string.Join("; ", errors));
        }
    }

    /// <summary>Checks a health check path.</summary>
    /// <param name="path">The candidate path.</param>
    /// <returns>Null when valid, otherwise why not, with an example.</returns>
    public static string? ValidatePath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            return $"the path '{path}' does not start with '/': write it like /health";
        }

        if (path.Length > MaxPathLength)
        {
            return $"the path is {path.Length} characters long; at most {MaxPathLength}";
        }

        if (path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '\u007e'))
        {
            return $"the path '{path}' holds a space, a control or a non-ASCII character: percent-encode it, like /health%20check";
        }

        return null;
    }
}
