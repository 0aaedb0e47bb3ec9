namespace Paas.Builder;

/// <summary>A buildpack on disk: a folder with <c>bin/detect</c>, <c>bin/compile</c> and <c>bin/release</c> (Heroku classic API).</summary>
/// <param name="Name">A name to show (the folder's, or the URL given).</param>
/// <param name="Directory">The buildpack's folder.</param>
internal sealed record Buildpack(string Name, string Directory)
{
    /// <summary>The path of <c>bin/<paramref name="script"/></c>.</summary>
    public string Script(string script) => Path.Combine(Directory, "bin", script);

    /// <summary>Whether the folder looks like a buildpack (it has <c>bin/compile</c>).</summary>
    public bool IsValid => File.Exists(Script("compile"));
}
