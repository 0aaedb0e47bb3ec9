namespace Paas.Client;

/// <summary>
/// Body of <c>POST /v2/apps/{app}/builds</c>: deploy an existing image (what <c>paas pull</c> and the builder do).
/// Makes a new build and a new release.
/// </summary>
/// <param name="Image">An image reference: <c>[registry/]repository[:tag|@sha256:digest]</c>.</param>
/// <param name="ProcessTypes">Process type to command; null or empty means a single <c>web</c> process running the image's own command.</param>
/// <param name="Sha">The source commit, when known (40 hex characters).</param>
public sealed record BuildCreateRequest(string Image, IReadOnlyDictionary<string, string>? ProcessTypes = null, string? Sha = null);
