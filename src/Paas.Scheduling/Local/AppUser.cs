namespace Paas.Scheduling.Local;

/// <summary>The unprivileged user an app's processes run as when the platform runs as root.</summary>
/// <param name="Name">The user name, <c>paas-hello</c>.</param>
/// <param name="Uid">Its user id.</param>
/// <param name="Gid">Its group id (its own group).</param>
internal sealed record AppUser(string Name, int Uid, int Gid);
