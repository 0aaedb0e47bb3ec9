namespace Paas.Client;

/// <summary>Body of <c>POST /v2/apps/{app}/perms</c>: share an app with a user.</summary>
/// <param name="Username">The user to share with.</param>
/// <param name="Role"><c>admin</c>, <c>deploy</c> (the default) or <c>view</c>.</param>
public sealed record PermissionCreateRequest(string Username, string? Role = null);
