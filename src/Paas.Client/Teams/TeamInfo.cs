namespace Paas.Client;

/// <summary>A team, as <c>GET /v2/teams</c> lists it.</summary>
/// <param name="Name">The team's name (lower case; a directory group's <c>cn</c>).</param>
/// <param name="Source"><c>platform</c> (members managed with <c>paas teams:add-member</c>) or <c>directory</c> (members read from the directory group).</param>
/// <param name="Members">How many members the platform knows of (directory members count once they signed in).</param>
/// <param name="CreatedAt">When the platform first knew the team.</param>
public sealed record TeamInfo(string Name, string Source, int Members, DateTimeOffset CreatedAt);

/// <summary>One team in detail, as <c>GET /v2/teams/{team}</c> answers.</summary>
/// <param name="Name">The team's name.</param>
/// <param name="Source"><c>platform</c> or <c>directory</c>.</param>
/// <param name="DirectoryDn">The directory group's DN, for directory teams.</param>
/// <param name="Members">Members' usernames, sorted.</param>
/// <param name="Apps">The apps shared with the team and the role each gives.</param>
/// <param name="CreatedAt">When the platform first knew the team.</param>
public sealed record TeamDetail(string Name, string Source, string? DirectoryDn, IReadOnlyList<string> Members, IReadOnlyList<TeamAppAccess> Apps, DateTimeOffset CreatedAt);

/// <summary>An app a team was given access to.</summary>
/// <param name="App">The app's name.</param>
/// <param name="Role"><c>admin</c>, <c>deploy</c> or <c>view</c>.</param>
public sealed record TeamAppAccess(string App, string Role);

/// <summary>Body of <c>POST /v2/teams</c> (admins): defines a platform team.</summary>
/// <param name="Name">The name: 1-64 lower-case letters, digits, spaces, '.', '_' or '-', starting with a letter or digit.</param>
public sealed record TeamCreateRequest(string Name);

/// <summary>Body of <c>POST /v2/teams/{team}/members</c> (admins): adds a user to a platform team.</summary>
/// <param name="Username">The user.</param>
public sealed record TeamMemberRequest(string Username);
