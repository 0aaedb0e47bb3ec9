namespace Paas.Builder;

/// <summary>
/// Where a build's untrusted part runs: choosing buildpacks (<c>bin/detect</c>), <c>bin/compile</c> and <c>bin/release</c>.
/// Everything before (reading the push, config vars, <c>git archive</c>, <c>.slugignore</c>) and after (process types,
/// the slug layer, the image push, recording the build) stays in <see cref="BuildPipeline"/>, one code path for every
/// compiler. Implementations: <see cref="LocalCompiler"/> (processes of the builder, as the unprivileged build user when
/// root) and <see cref="PodCompiler"/> (a short-lived Kubernetes build Pod, as Deis's slugbuilder).
/// <para>
/// Why an interface at this seam and not around the whole pipeline: the image export needs the registry credential and
/// the pusher's API token, which must never reach the code a push brings; and a second export path would drift from the
/// first. So a compiler only turns a source folder into a compiled folder plus <c>bin/release</c>'s answer.
/// </para>
/// </summary>
internal interface ICompiler
{
    /// <summary>
    /// Compiles <see cref="BuildRun.AppDir"/> (the exported commit, <c>.slugignore</c> applied) with the config vars of
    /// <see cref="BuildRun.EnvDir"/> (one file per var). On success <see cref="BuildRun.AppDir"/> holds the compiled app,
    /// <see cref="BuildRun.ReleaseYaml"/> the last buildpack's <c>bin/release</c> output ("" when it has none) and
    /// <see cref="BuildRun.Buildpacks"/> names the buildpacks used. Output goes to <see cref="BuildRun.Output"/> as it happens.
    /// </summary>
    /// <param name="run">The build; its <see cref="BuildRun.Timeout"/> fires on the build timeout and on a cancelled push.</param>
    /// <returns>Null on success, else why the build stops.</returns>
    /// <exception cref="OperationCanceledException">The build's token fired (the pipeline turns it into the timeout or cancel message).</exception>
    Task<BuildError?> CompileAsync(BuildRun run);
}
