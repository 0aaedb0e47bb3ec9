namespace Paas.Cli.Settings;

/// <summary>What <c>~/.paas/config.json</c> holds: the platform URL and the logged-in user's token.</summary>
internal sealed record CliSettings(string? Url = null, string? Username = null, string? Token = null);
