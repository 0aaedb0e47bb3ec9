namespace Paas.Builder;

/// <summary>The outcome of checking a git request's credentials against the controller.</summary>
/// <param name="Status">200 when allowed; else 401, 403, 404 or 503.</param>
/// <param name="Message">Why it was refused (shown by git as <c>remote:</c> text), or null.</param>
/// <param name="Username">The authenticated user when allowed.</param>
/// <param name="Token">The user's API token when allowed.</param>
/// <param name="AppCreatedAt">When the app was created, when allowed: it tells this app from an earlier, destroyed app of the same name.</param>
internal sealed record GitAccess(int Status, string? Message, string? Username = null, string? Token = null, DateTimeOffset? AppCreatedAt = null)
{
    /// <summary>Whether the request may go on.</summary>
    public bool Allowed => Status == 200;
}
