namespace Paas.Domain;

/// <summary>The rules for <c>paas autoscale</c>: 1 &lt;= min &lt;= max &lt;= <see cref="Formation.MaxQuantity"/>, a CPU target of 1-100 percent.</summary>
public static class AutoscaleRules
{
    /// <summary>Checks a policy for a process type of the current build.</summary>
    /// <param name="app">The app's name, for messages.</param>
    /// <param name="type">The process type.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="processTypes">The current build's process types, or null when the app has no build yet.</param>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> listing every problem found.</exception>
    public static void EnsureValid(string app, string type, AutoscalePolicy policy, IReadOnlyDictionary<string, string>? processTypes)
    {
        if (processTypes is null)
        {
            throw new DomainException(DomainErrorKind.Invalid, $"{app} has no build yet, so it has no process types to autoscale: deploy first with git push paas master");
        }

        var errors = new List<string>();
        if (!processTypes.ContainsKey(type))
        {
            errors.Add($"{app} has no process type '{type}' (its types are {string.Join(", ", processTypes.Keys.Order(StringComparer.Ordinal))})");
        }

        if (policy.Min < 1 || policy.Max > Formation.MaxQuantity || policy.Min > policy.Max)
        {
            errors.Add($"min {policy.Min} and max {policy.Max} are out of range: use 1 <= min <= max <= {Formation.MaxQuantity}, like --min 2 --max 10");
        }

        if (policy.CpuPercent is < 1 or > 100)
        {
            errors.Add($"cpu {policy.CpuPercent} is out of range: the target is 1 to 100 percent of the requested CPU, like --cpu 70");
        }

        if (errors.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Invalid, string.Join("; ", errors));
        }
    }
}
