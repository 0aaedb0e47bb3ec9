namespace Paas.Domain;

/// <summary>A build: an image in a registry and the process types it runs.</summary>
/// <param name="Id">The build's id (a UUID string).</param>
/// <param name="AppId">The app's id.</param>
/// <param name="Image">The image reference (<c>[registry/]repository[:tag|@digest]</c>).</param>
/// <param name="Sha">The source commit, when built from git.</param>
/// <param name="ProcessTypes">Process type to command (see <see cref="ProcessTypes"/>).</param>
/// <param name="CreatedBy">Username of who made it.</param>
/// <param name="CreatedAt">When it was recorded.</param>
public sealed record Build(
    string Id,
    string AppId,
    string Image,
    string? Sha,
    IReadOnlyDictionary<string, string> ProcessTypes,
    string CreatedBy,
    DateTimeOffset CreatedAt);
