namespace Paas.Client;

/// <summary>An access to an app, as <c>GET /v2/apps/{app}/perms</c> answers: a user's, or a team's (then every member has it).</summary>
/// <param name="Username">The user, or null for a team's access.</param>
/// <param name="Role">One of <c>admin</c> (everything, including perms and destroy), <c>deploy</c> (push, config, scale, releases, rollback, run, logs) or <c>view</c> (read only).</param>
/// <param name="Team">The team, or null for a user's access.</param>
public sealed record PermissionInfo(string? Username, string Role, string? Team = null);
