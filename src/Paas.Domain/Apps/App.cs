namespace Paas.Domain;

/// <summary>An app: the unit that is pushed, configured, released, scaled and routed.</summary>
/// <param name="Id">The app's id (a UUID string).</param>
/// <param name="Name">Its name (see <see cref="AppName"/>).</param>
/// <param name="OwnerId">The owning user's id.</param>
/// <param name="Owner">The owning user's username.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When its last release was made.</param>
public sealed record App(string Id, string Name, string OwnerId, string Owner, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
