namespace Paas.Domain;

/// <summary>
/// Who may touch an image repository of the platform's registry, in one place for the registry's access policy and the
/// controller's deploy-an-image check: repository <c>APP</c> or <c>APP/...</c> belongs to app APP; pulling needs the
/// <see cref="AppRole.View"/> role on it, pushing <see cref="AppRole.Deploy"/>, deleting <see cref="AppRole.Admin"/>.
/// </summary>
public static class RepositoryAccess
{
    /// <summary>The role pulling needs.</summary>
    public const AppRole Pull = AppRole.View;

    /// <summary>The role pushing needs.</summary>
    public const AppRole Push = AppRole.Deploy;

    /// <summary>The role deleting needs.</summary>
    public const AppRole Delete = AppRole.Admin;

    /// <summary>The name of the app a repository belongs to: its first path component.</summary>
    /// <param name="repository">The repository, e.g. <c>hello</c> or <c>hello/web</c>.</param>
    /// <returns>The app's name, e.g. <c>hello</c>.</returns>
    public static string AppOf(string repository) => repository.Split('/', 2)[0];
}
