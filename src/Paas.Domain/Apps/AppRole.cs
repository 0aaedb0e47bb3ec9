namespace Paas.Domain;

/// <summary>
/// What a user may do with an app. Roles are ordered: each includes the ones below it.
/// Owners are admins of their apps; platform admins are admins of all apps.
/// </summary>
public enum AppRole
{
    /// <summary>Read only: info, releases (without their config vars), builds, processes, logs, domains, who has access.</summary>
    View = 1,

    /// <summary>View, plus config vars (read and change), push, scale, restart, rollback, run, maintenance.</summary>
    Deploy = 2,

    /// <summary>Everything, including sharing (perms), transfer and destroy.</summary>
    Admin = 3,
}
