namespace Paas.Client;

/// <summary>Body of <c>POST /v2/apps/{app}/releases/rollback</c>.</summary>
/// <param name="Version">The release to go back to; null means the release before the current one.</param>
public sealed record RollbackRequest(int? Version = null);
