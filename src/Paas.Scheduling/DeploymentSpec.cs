namespace Paas.Scheduling;

/// <summary>Everything a scheduler needs to run one release of an app.</summary>
/// <param name="App">The app's name.</param>
/// <param name="Release">The release version (7 for <c>v7</c>).</param>
/// <param name="Image">The image reference, pinned by digest when known.</param>
/// <param name="Config">Config vars, given to every process as environment variables.</param>
/// <param name="ProcessTypes">Process type to command (from the Procfile).</param>
/// <param name="Formation">Process type to count; types absent here run 0 processes.</param>
/// <param name="SourceVersion">The git commit of the build, when known (<c>SOURCE_VERSION</c>).</param>
public sealed record DeploymentSpec(
    string App,
    int Release,
    string Image,
    IReadOnlyDictionary<string, string> Config,
    IReadOnlyDictionary<string, string> ProcessTypes,
    IReadOnlyDictionary<string, int> Formation,
    string? SourceVersion);
