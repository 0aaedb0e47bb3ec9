namespace Paas.Client;

/// <summary>Body of <c>POST /v2/apps/{app}/run</c>: a one-off process from the current release (<c>paas run</c>).</summary>
/// <param name="Command">The command, run as <c>bash -c "COMMAND"</c> in the slug's app folder with the release's config vars.</param>
/// <param name="Detached">When true the API answers at once (202) and the output goes to the app's logs (<c>paas run:detached</c>).</param>
/// <param name="TimeLimitSeconds">Ends the process after this many seconds; null for the platform's default (1 hour).</param>
public sealed record RunCreateRequest(string Command, bool Detached = false, int? TimeLimitSeconds = null);
