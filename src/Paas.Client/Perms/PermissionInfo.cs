namespace Paas.Client;

/// <summary>A user's access to an app, as <c>GET /v2/apps/{app}/perms</c> answers.</summary>
/// <param name="Username">The user.</param>
/// <param name="Role">One of <c>admin</c> (everything, including perms and destroy), <c>deploy</c> (push, config, scale, releases, rollback, run, logs) or <c>view</c> (read only).</param>
public sealed record PermissionInfo(string Username, string Role);
