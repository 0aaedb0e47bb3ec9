namespace Paas.Client;

/// <summary>A build: an image and its process types, as <c>/v2/apps/{app}/builds</c> answers.</summary>
/// <param name="Id">The build's id (a UUID).</param>
/// <param name="App">The app's name.</param>
/// <param name="Image">The image reference deployed (e.g. <c>registry.local:5000/hello@sha256:...</c>).</param>
/// <param name="Sha">The source commit (40 hex characters) when the build came from git, else null.</param>
/// <param name="ProcessTypes">Process type to command, from the Procfile (e.g. <c>{"web": "npm start"}</c>).</param>
/// <param name="Owner">Username of who made the build.</param>
/// <param name="CreatedAt">When the build was recorded.</param>
/// <param name="Release">The version of the release the build made, in the answer to <c>POST .../builds</c>; null in lists.</param>
public sealed record BuildInfo(
    string Id,
    string App,
    string Image,
    string? Sha,
    IReadOnlyDictionary<string, string> ProcessTypes,
    string Owner,
    DateTimeOffset CreatedAt,
    int? Release = null);
