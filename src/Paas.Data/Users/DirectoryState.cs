namespace Paas.Data;

/// <summary>What the directory said of a user at one read (sign-in or refresh), as <see cref="UserStore.SyncDirectoryAccountAsync"/> records it.</summary>
/// <param name="Dn">The user entry's DN.</param>
/// <param name="Email">E-mail address, if any.</param>
/// <param name="DisplayName">Display name, if any.</param>
/// <param name="IsAdmin">Whether the user is in the platform's admin group.</param>
/// <param name="Groups">The user's groups that are teams: (normalised team name, group DN).</param>
/// <param name="SyncedAt">When the directory was read.</param>
public sealed record DirectoryState(string Dn, string? Email, string? DisplayName, bool IsAdmin, IReadOnlyList<(string Name, string Dn)> Groups, DateTimeOffset SyncedAt);
