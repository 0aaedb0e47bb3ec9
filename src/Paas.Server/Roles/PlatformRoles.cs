namespace Paas.Server;

/// <summary>
/// The parts one <c>paasd</c> process runs (<c>paasd --role controller,builder</c> or <c>PAAS_ROLE</c>). The default,
/// <see cref="All"/>, is the embedded platform: every part in one process, talking through the same contracts in memory.
/// A part whose peer runs elsewhere reaches it by URL (<see cref="RoleOptions"/>).
/// </summary>
[Flags]
public enum PlatformRoles
{
    /// <summary>No part.</summary>
    None = 0,

    /// <summary>The <c>/v2</c> API, the database, the scheduler and, for the other parts, the internal contracts (<c>PAAS_INTERNAL_PORT</c>).</summary>
    Controller = 1,

    /// <summary>git smart HTTP and the build pipeline (<c>PAAS_BUILDER_PORT</c> when alone).</summary>
    Builder = 2,

    /// <summary>The OCI distribution registry (<c>PAAS_REGISTRY_PORT</c>).</summary>
    Registry = 4,

    /// <summary>The HTTP/HTTPS router in front of the apps (<c>PAAS_HTTP_PORT</c>, <c>PAAS_HTTPS_PORT</c>).</summary>
    Router = 8,

    /// <summary>
    /// A forwarding proxy to the registry on every node (<c>PAAS_REGISTRY_PROXY_PORT</c>, reached through a hostPort at
    /// <c>127.0.0.1</c>), so that container runtimes pull app images over plain HTTP from loopback, as Deis Workflow's
    /// registry-proxy did. Never part of <see cref="All"/>.
    /// </summary>
    RegistryProxy = 16,

    /// <summary>The embedded platform: controller, builder, registry and router.</summary>
    All = Controller | Builder | Registry | Router,
}

/// <summary>Parses and names <see cref="PlatformRoles"/>.</summary>
public static class PlatformRoleNames
{
    private static readonly (string Name, PlatformRoles Role)[] Names =
    [
        ("controller", PlatformRoles.Controller),
        ("builder", PlatformRoles.Builder),
        ("registry", PlatformRoles.Registry),
        ("router", PlatformRoles.Router),
        ("registry-proxy", PlatformRoles.RegistryProxy),
    ];

    /// <summary>Parses a comma-separated list (<c>controller,router</c>); empty or null means <see cref="PlatformRoles.All"/>.</summary>
    /// <param name="value">The list, as given to <c>--role</c> or <c>PAAS_ROLE</c>.</param>
    /// <param name="roles">The roles.</param>
    /// <param name="error">Why the list is refused, naming the valid roles; null on success.</param>
    /// <returns>Whether the list is valid.</returns>
    public static bool TryParse(string? value, out PlatformRoles roles, out string? error)
    {
        roles = PlatformRoles.None;
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            roles = PlatformRoles.All;
            return true;
        }

        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Array.Find(Names, n => string.Equals(n.Name, part, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                error = $"PAAS_ROLE (--role) '{part}' is not a role: use a comma list of {string.Join(", ", Names.Select(n => n.Name))}";
                return false;
            }

            roles |= match.Role;
        }

        if (roles == PlatformRoles.None)
        {
            error = "PAAS_ROLE (--role) names no role";
            return false;
        }

        return true;
    }

    /// <summary>The roles as a comma list, e.g. <c>controller,router</c>.</summary>
    /// <param name="roles">The roles.</param>
    /// <returns>The list.</returns>
    public static string Format(PlatformRoles roles) => string.Join(',', Names.Where(n => roles.HasFlag(n.Role)).Select(n => n.Name));
}
