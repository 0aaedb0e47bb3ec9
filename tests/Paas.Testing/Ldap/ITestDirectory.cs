namespace Paas.Testing.Ldap;

/// <summary>
/// A real directory server a sign-in test runs against: <see cref="SlapdServer"/> (OpenLDAP) or
/// <see cref="SambaDomainController"/> (a Samba Active Directory domain controller). Both are seeded with the same people
/// and groups (see <see cref="SlapdServer"/>'s docs; Samba leaves out <c>x*y</c>, a name AD refuses), so one suite runs
/// against either.
/// </summary>
public interface ITestDirectory : IAsyncDisposable
{
    /// <summary>How the directory is shaped.</summary>
    DirectoryFlavor Flavor { get; }

    /// <summary>The <c>ldap://</c> URL (StartTLS available on it when the server has TLS).</summary>
    string Url { get; }

    /// <summary>The <c>ldaps://</c> URL, when the server has TLS, else null.</summary>
    string? LdapsUrl { get; }

    /// <summary>The PEM of the CA that signed the server certificate, alone in its folder, when the server has TLS, else null.</summary>
    string? CaCertificatePath { get; }

    /// <summary>The naming context, e.g. <c>dc=corp,dc=example,dc=com</c>.</summary>
    string BaseDn { get; }

    /// <summary>Where the seeded users are.</summary>
    string UserBase { get; }

    /// <summary>Where the seeded groups are.</summary>
    string GroupBase { get; }

    /// <summary>The read-only account the platform binds as.</summary>
    string ServiceBindDn { get; }

    /// <summary>The password of <see cref="ServiceBindDn"/>.</summary>
    string ServiceBindPassword { get; }

    /// <summary>The DN of a seeded user.</summary>
    /// <param name="login">A seeded login.</param>
    /// <returns>The DN, as written when seeded.</returns>
    string UserDn(string login);

    /// <summary>The DN of a seeded group.</summary>
    /// <param name="name">A seeded group's name.</param>
    /// <returns>The DN.</returns>
    string GroupDn(string name);

    /// <summary>Removes a user from a group.</summary>
    /// <param name="group">The group's name.</param>
    /// <param name="login">The user's login.</param>
    /// <returns>A task completing when done.</returns>
    Task RemoveMemberAsync(string group, string login);

    /// <summary>Disables a user's account (<c>userAccountControl</c> 514); AD-shaped directories only.</summary>
    /// <param name="login">The user's login.</param>
    /// <returns>A task completing when done.</returns>
    Task DisableAsync(string login);

    /// <summary>Deletes a user's entry.</summary>
    /// <param name="login">The user's login.</param>
    /// <returns>A task completing when done.</returns>
    Task DeleteUserAsync(string login);

    /// <summary>"Directory down": stops the server; the data stays.</summary>
    /// <returns>A task completing once it has exited.</returns>
    Task StopAsync();

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same address and ports with the same data.</summary>
    /// <returns>A task completing once it accepts connections.</returns>
    Task StartAgainAsync();
}
