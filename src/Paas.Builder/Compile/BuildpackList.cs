namespace Paas.Builder;

/// <summary>
/// The buildpacks an app asks for, before any is fetched or run (Heroku's rules): the <c>BUILDPACK_URL</c> config var,
/// else the non-comment lines of <c>.buildpacks</c> at the root of the app, else none (detect among the built-in ones, in
/// <see cref="BuilderOptions.DetectOrder"/>). An entry is a built-in buildpack's name (<c>nodejs</c>), an absolute folder,
/// a <c>file://</c> URL or a git URL with an optional <c>#ref</c>. Shared by every <see cref="ICompiler"/>.
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

        var file = Path.Combine(run.AppDir, ".buildpacks");
        if (!File.Exists(file))
        {
            return [];
        }

        return [.. (await File.ReadAllLinesAsync(file, run.Timeout).ConfigureAwait(false))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }
}
