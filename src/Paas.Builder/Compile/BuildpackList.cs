namespace Paas.Builder;

/// <summary>
/// The buildpacks an app asks for, before any is fetched or run (Heroku's rules): the <c>BUILDPACK_URL</c> config var,
/// else the non-comment lines of <c>.buildpacks</c> at the root of the app, else none (detect among the built-in ones, in
/// <see cref="BuilderOptions.DetectOrder"/>). An entry is a built-in buildpack's name (<c>nodejs</c>), an absolute folder,
/// a <c>file://</c> URL or a git URL with an optional <c>#ref</c>. Shared by every <see cref="ICompiler"/>. A builder on a
/// machine fetches only built-in names and <see cref="IsRemote"/> URLs unless <see cref="BuilderOptions.LocalBuildpacks"/>
/// allows folders of the machine; a build pod reads folders of its own filesystem.
/// </summary>
internal static class BuildpackList
{
    /// <summary>The entries <paramref name="run"/> asks for, in order; empty when detection decides.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(BuildRun run)
    {
        if (run.Config.TryGetValue("BUILDPACK_URL", out var url) && url.Trim().Length > 0)
        {
            return [url.Trim()];
        }

        var file = await AppFiles.ReadAsync(run.AppDir, ".buildpacks", run.Timeout).ConfigureAwait(false); // checked at export: a file
        return file is null ? [] : [.. file.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    /// <summary>
    /// Whether <paramref name="location"/> (an entry without its <c>#ref</c>) is a git URL over <c>https://</c>,
    /// <c>http://</c> or <c>git://</c> with a host (a user and token in it are the app's own, as on Heroku): the only remote
    /// forms a builder fetches (no <c>ssh://</c> or <c>user@host:path</c>, which would use the platform's own keys, no
    /// <c>ext::</c>, no relative path).
    /// </summary>
    /// <param name="location">The entry's location.</param>
    /// <returns>True for such a URL.</returns>
    public static bool IsRemote(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out var uri)
        && uri.Scheme is "https" or "http" or "git"
        && uri.Host.Length > 0;
}
