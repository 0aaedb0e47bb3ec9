namespace Paas.Client;

/// <summary>Body of <c>POST /v2/apps</c>.</summary>
/// <param name="Name">The app's name; null to have the platform pick a readable random one (e.g. <c>brave-otter-4821</c>).</param>
public sealed record AppCreateRequest(string? Name = null);
