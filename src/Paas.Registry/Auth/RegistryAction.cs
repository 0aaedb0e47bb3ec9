namespace Paas.Registry.Auth;

/// <summary>
/// What a request does to a repository; the actions of a Docker token scope
/// (<c>repository:NAME:pull,push,delete</c>).
/// </summary>
public enum RegistryAction
{
    /// <summary>Read: version check, blob and manifest HEAD/GET, tags, referrers, catalog.</summary>
    Pull,

    /// <summary>Write: uploads (including mounts into the repository) and manifest PUT.</summary>
    Push,

    /// <summary>Remove: manifest, tag and blob DELETE.</summary>
    Delete,
}
