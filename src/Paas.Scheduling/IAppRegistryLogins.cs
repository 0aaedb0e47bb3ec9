namespace Paas.Scheduling;

/// <summary>
/// The logins apps stored for registries other than the platform's own (<c>paas registry:login</c>), which a scheduler
/// pulls an app's image with. The platform's own registry never appears here: schedulers reach it with the platform's
/// credentials.
/// </summary>
public interface IAppRegistryLogins
{
    /// <summary>The login <paramref name="app"/> stored for <paramref name="registry"/>, or null.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="registry">The registry host as the image reference names it (<c>host[:port]</c>, compared case-insensitively).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The login, or null when the app stored none for that registry (or the app does not exist).</returns>
    Task<RegistryLogin?> FindAsync(string app, string registry, CancellationToken cancellationToken);
}

/// <summary>A user name and password (or token) for a registry. <see cref="ToString"/> leaves the password out.</summary>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password or access token.</param>
public sealed record RegistryLogin(string Username, string Password)
{
    /// <inheritdoc />
    public override string ToString() => $"RegistryLogin {{ Username = {Username}, Password = *** }}";
}
