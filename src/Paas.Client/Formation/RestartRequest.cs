namespace Paas.Client;

/// <summary>Body of <c>POST /v2/apps/{app}/pods/restart</c>.</summary>
/// <param name="Type">Restart only processes of this type (<c>web</c>) or this one process (<c>web.2</c>); null restarts all.</param>
public sealed record RestartRequest(string? Type = null);
