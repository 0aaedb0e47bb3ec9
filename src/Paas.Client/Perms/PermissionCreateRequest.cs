namespace Paas.Client;

/// <summary>Body of <c>POST /v2/apps/{app}/perms</c>: share an app with a user or with a team (exactly one of the two).</summary>
/// <param name="Username">The user to share with, or null.</param>
/// <param name="Role"><c>admin</c>, <c>deploy</c> (the default) or <c>view</c>.</param>
/// <param name="Team">The team to share with (a platform team, or a directory group by name), or null.</param>
public sealed record PermissionCreateRequest(string? Username, string? Role = null, string? Team = null);
