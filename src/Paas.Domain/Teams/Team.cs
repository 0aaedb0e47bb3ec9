namespace Paas.Domain;

/// <summary>A team: users an app can be shared with at once, with one role.</summary>
/// <param name="Id">The team's id (a UUID string).</param>
/// <param name="Name">The name (see <see cref="TeamName"/>), unique across both sources.</param>
/// <param name="Source">Whether members are managed by the platform or read from a directory group.</param>
/// <param name="DirectoryDn">The directory group's DN, for directory teams.</param>
/// <param name="CreatedAt">When the platform first knew the team.</param>
public sealed record Team(string Id, string Name, TeamSource Source, string? DirectoryDn, DateTimeOffset CreatedAt);

/// <summary>Where a team's members come from.</summary>
public enum TeamSource
{
    /// <summary>Defined on the platform (<c>paas teams:create</c>); admins add and remove members.</summary>
    Platform,

    /// <summary>A directory group mapped by name: members are read from the directory at sign-in and on each refresh.</summary>
    Directory,
}
