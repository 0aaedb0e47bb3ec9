using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Client;
using Paas.Oci;

namespace Paas.Builder;

/// <summary>
/// Turns a pushed commit into an image and a release. Runs inside the push's pre-receive hook, so a failed build rejects
/// the push and moves no ref. The steps:
/// <list type="number">
/// <item>Read the push: exactly one update of <c>master</c> or <c>main</c> (<see cref="BuildFailure.WrongBranch"/>).</item>
/// <item>Claim the app: one build per app at a time (<see cref="BuildFailure.Busy"/>).</item>
/// <item>Fetch the app's config vars through the controller API (they become ENV_DIR files).</item>
/// <item>Export the commit's tree from the push's quarantine with LibGit2Sharp (<see cref="CommitExport"/>), refuse an invalid
/// <c>Procfile</c> there, before anything is built (<see cref="BuildFailure.ProcfileInvalid"/>), then drop what <c>.slugignore</c> names.</item>
/// <item>Compile, through the <see cref="ICompiler"/> (the builder's own processes, or a Kubernetes build Pod): choose
/// buildpacks (<c>BUILDPACK_URL</c>, else <c>.buildpacks</c>, else the first built-in whose <c>bin/detect</c> succeeds), run
/// <c>bin/compile BUILD_DIR CACHE_DIR ENV_DIR</c> for each, output streamed, and the last one's <c>bin/release</c>.</item>
/// <item>Release: the last buildpack's <c>bin/release</c> default process types, overridden by the <c>Procfile</c>.</item>
/// <item>Compress the slug into deterministic tar+gzip layers, a large top-level folder each and the rest (see <see cref="SlugLayer"/>:
/// an unchanged part keeps its layer, which is neither compressed nor uploaded again; owned by the stack's user on a stack, plus a small
/// layer with the process types file the launcher reads).</item>
/// <item>Push the image (layers, config with process types as labels, manifest tagged <c>git-SHA7</c>) to the registry; on a
/// stack, its layers are mounted from <c>paas/stack</c> (never uploaded again) and the config runs the launcher.</item>
/// <item>Record the build through <c>POST /v2/apps/{app}/builds</c>, which makes and deploys the release.</item>
/// </list>
/// Expected failures end the build with a <see cref="BuildError"/>; the whole run is bounded by <see cref="BuilderOptions.BuildTimeout"/>.
/// </summary>
internal sealed class BuildPipeline(
    IOptions<BuilderOptions> options,
    ControllerApi controller,
    AppLocks locks,
    IBuildEventSink events,
    StackSource stacks,
    ICompiler compiler,
    BuilderPaths paths,
    ISlugHandOff handOff,
    DockerfileBuilder dockerfile,
    ILogger<BuildPipeline> logger)
{
    private const string ZeroSha = "0000000000000000000000000000000000000000";
    private static readonly HttpClient RegistryHttp = new() { Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>Runs the build of <paramref name="push"/>, writing its output to <paramref name="output"/>.</summary>
    /// <param name="push">The push.</param>
    /// <param name="output">Where the pusher sees the build.</param>
    /// <param name="cancelled">Fires when the push is cancelled (the pushing client went away): the build stops as on a timeout
    /// (buildpack processes killed, a build pod deleted) and nothing is recorded.</param>
    /// <returns>The release version, or null when the build failed (the reason was written).</returns>
    public async Task<int?> RunAsync(PendingPush push, BuildOutput output, CancellationToken cancelled = default)
    {
        var started = Stopwatch.StartNew();
        var settings = options.Value;
        using var timeout = new CancellationTokenSource(settings.BuildTimeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancelled);
        var run = new BuildRun(push, output, stop.Token);
        IDisposable? claim = null;
        BuildError? error;
        try
        {
            error = ReadPush(run);
            if (error is null)
            {
                claim = locks.TryAcquire(push.App);
                error = claim is null
                    ? new BuildError(BuildFailure.Busy, $"another push to {push.App} is building; push again once it has finished")
                    : null;
            }

            if (error is null)
            {
                events.Write(push.App, $"Build started by {push.Username} (commit {run.Sha[..Math.Min(7, run.Sha.Length)]})");
            }

            error ??= await FetchConfigAsync(run).ConfigureAwait(false)
                ?? await ExportAsync(run).ConfigureAwait(false)
                ?? await BuildImageAsync(run).ConfigureAwait(false)
                ?? await RecordAsync(run).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            error = TimedOut();
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            error = new BuildError(BuildFailure.Cancelled, "the push was cancelled, so the build was stopped");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or HttpRequestException)
        {
            BuilderLog.BuildCrashed(logger, e, push.App);
            error = new BuildError(BuildFailure.CompileFailed, "the build stopped: " + e.Message);
        }
        finally
        {
            claim?.Dispose();
        }

        if (error is not null)
        {
            BuilderLog.BuildFailed(logger, push.App, error.Failure, error.Message);
            events.Write(push.App, "Build failed: " + error.Message);
            await output.ErrorAsync(error.Message).ConfigureAwait(false);
            await output.ErrorAsync(error.Failure == BuildFailure.DeployFailed ? $"Push rejected to {push.App}: it built, but the new release did not start (the reason is above)" : "Push rejected, failed to build " + push.App).ConfigureAwait(false);
            return null;
        }

        BuilderLog.BuildSucceeded(logger, push.App, run.Sha, run.Version, started.ElapsedMilliseconds);
        events.Write(push.App, $"Build succeeded: v{run.Version} in {started.Elapsed.TotalSeconds:0.0} s");
        return run.Version;

        BuildError TimedOut() => new(BuildFailure.Timeout, $"the build ran longer than {Describe(settings.BuildTimeout)} and was stopped");
    }

    // 1. the push: exactly one update of master or main
    private static BuildError? ReadPush(BuildRun run)
    {
        var lines = File.ReadAllLines(Path.Combine(run.Push.Directory, "refs")).Where(l => l.Length > 0).ToList();
        var updates = lines.Select(l => l.Split(' ')).Where(p => p.Length == 3).ToList();
        var refused = updates.Where(u => u[2] is not ("refs/heads/master" or "refs/heads/main")).Select(u => u[2]).ToList();
        if (refused.Count > 0 || updates.Count != 1)
        {
            var names = refused.Count > 0 ? string.Join(", ", refused) : string.Join(", ", updates.Select(u => u[2]));
            return new BuildError(BuildFailure.WrongBranch, $"pushes to {names} are not deployed; push to master or main only (git push paas HEAD:master)");
        }

        if (updates[0][1] == ZeroSha)
        {
            return new BuildError(BuildFailure.WrongBranch, $"deleting {updates[0][2]} is not supported");
        }

        run.Sha = updates[0][1];
        return null;
    }

    // 3. config vars through the controller API, with the pusher's token
    private async Task<BuildError?> FetchConfigAsync(BuildRun run)
    {
        await run.Output.StepAsync($"Building {run.Push.App} from commit {run.Sha[..7]}").ConfigureAwait(false);
        try
        {
            var config = await controller.For(run.Push.Token).GetConfigAsync(run.Push.App, run.Timeout).ConfigureAwait(false);
            run.Config = config.Values.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is PaasApiException or PaasConnectionException)
        {
            return new BuildError(BuildFailure.ControllerRefused, "could not read the app's config: " + e.Message);
        }

        AppFiles.CreateFolder(run.EnvDir, AppFiles.PrivateFolder); // config vars: nobody but the build reads them
        foreach (var (name, value) in run.Config)
        {
            await File.WriteAllTextAsync(Path.Combine(run.EnvDir, name), value, run.Timeout).ConfigureAwait(false);
        }

        return null;
    }

    // 4. export the commit from the quarantine (LibGit2Sharp), check its Procfile before anything is built
    private async Task<BuildError?> ExportAsync(BuildRun run)
    {
        var (commit, failure) = await ExportCommitAsync(run).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (!Directory.EnumerateFileSystemEntries(run.AppDir).Any())
        {
            return new BuildError(BuildFailure.EmptyCommit, $"commit {run.Sha[..7]} has no files: add your app and push again");
        }

        foreach (var name in AppFiles.ReadByThePlatform)
        {
            if (AppFiles.Refusal(run.AppDir, name) is { } refusal)
            {
                return new BuildError(BuildFailure.UnreadableAppFile, refusal);
            }
        }

        if (commit!.Procfile is { } procfile && Paas.Domain.Procfile.Parse(procfile).Error is { } invalid)
        {
            return new BuildError(BuildFailure.ProcfileInvalid, invalid); // before any buildpack runs: one grammar, the domain's
        }

        return null;
    }

    /// <summary>The pushed commit's tree into <see cref="BuildRun.AppDir"/>, which must not exist.</summary>
    private static async Task<(PushedCommit? Commit, BuildError? Failure)> ExportCommitAsync(BuildRun run)
    {
        var quarantine = await File.ReadAllTextAsync(Path.Combine(run.Push.Directory, "objects"), run.Timeout).ConfigureAwait(false);
        var alternates = await File.ReadAllTextAsync(Path.Combine(run.Push.Directory, "alternates"), run.Timeout).ConfigureAwait(false);
        try
        {
            return (await Task.Run(() => CommitExport.Export(run.Push.Repository, quarantine, alternates, run.Sha, run.Push.Directory, run.AppDir, run.Timeout), run.Timeout).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is InvalidDataException or LibGit2Sharp.LibGit2SharpException)
        {
            return (null, new BuildError(BuildFailure.EmptyCommit, $"commit {run.Sha[..7]} cannot be read: {e.Message}"));
        }
    }

    // .slugignore, as a buildpack build starts (Heroku applies it to slugs only; a Dockerfile build reads .dockerignore)
    private static async Task ApplySlugIgnoreAsync(BuildRun run)
    {
        if (await AppFiles.ReadAsync(run.AppDir, ".slugignore", run.Timeout).ConfigureAwait(false) is { } slugignore)
        {
            var matcher = new Matcher(StringComparison.Ordinal);
            foreach (var pattern in slugignore.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
            {
                var relative = pattern.TrimStart('/');
                matcher.AddInclude(relative);
                matcher.AddInclude(relative.TrimEnd('/') + "/**");
                if (!pattern.StartsWith('/'))
                {
                    matcher.AddInclude("**/" + relative);
                    matcher.AddInclude("**/" + relative.TrimEnd('/') + "/**");
                }
            }

            var removed = 0;
            foreach (var path in matcher.GetResultsInFullPath(run.AppDir))
            {
                File.Delete(path);
                removed++;
            }

            run.SlugIgnored = removed;
            await run.Output.DetailAsync($"Removed {removed} file(s) named in .slugignore").ConfigureAwait(false);
        }
    }

    // 5-9. the image: by buildpacks (compile, release, compress, push), or from the Dockerfile (bud, release, push)
    private async Task<BuildError?> BuildImageAsync(BuildRun run)
    {
        bool? fromDockerfile;
        try
        {
            fromDockerfile = DockerfileBuilder.Chosen(run);
        }
        catch (ArgumentException e)
        {
            return new BuildError(BuildFailure.NoBuildpack, e.Message);
        }

        if (fromDockerfile == true && File.Exists(Path.Combine(run.AppDir, ".slugignore")))
        {
            await run.Output.DetailAsync("Not applying .slugignore: it is for buildpack builds, a Dockerfile build reads .dockerignore").ConfigureAwait(false);
        }

        if (fromDockerfile != true)
        {
            await ApplySlugIgnoreAsync(run).ConfigureAwait(false);
            var compiled = await compiler.CompileAsync(run).ConfigureAwait(false);
            if (compiled is not { Failure: BuildFailure.NoBuildpack } || fromDockerfile is not null || !DockerfileBuilder.Exists(run))
            {
                run.DefaultProcessTypes = ReleaseYaml.DefaultProcessTypes(run.ReleaseYaml);
                return compiled
                    ?? await ReleaseAsync(run).ConfigureAwait(false)
                    ?? await CompressAsync(run).ConfigureAwait(false)
                    ?? await PushImageAsync(run).ConfigureAwait(false);
            }
        }

        run.FromDockerfile = true;
        if (RegistryTarget.Of(options.Value) is not { } registry)
        {
            return new BuildError(BuildFailure.RegistryFailed, RegistryTarget.Missing);
        }

        if (run.SlugIgnored > 0)
        {
            // No buildpack took the app: its Dockerfile builds it, from the whole commit (.dockerignore is its own filter).
            Directory.Delete(run.AppDir, recursive: true);
            if ((await ExportCommitAsync(run).ConfigureAwait(false)).Failure is { } failure)
            {
                return failure;
            }

            await run.Output.DetailAsync($"Restored the {run.SlugIgnored} file(s) .slugignore removed: it applies to buildpack builds, a Dockerfile build reads .dockerignore").ConfigureAwait(false);
        }

        return await dockerfile.BuildAsync(run, registry).ConfigureAwait(false)
            ?? await ReleaseAsync(run).ConfigureAwait(false)
            ?? await dockerfile.PushAsync(run, registry).ConfigureAwait(false);
    }

    // 7. process types: the buildpack's (or the Dockerfile image's) defaults, overridden by the Procfile
    private async Task<BuildError?> ReleaseAsync(BuildRun run)
    {
        await run.Output.StepAsync("Discovering process types").ConfigureAwait(false);
        var types = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, command) in run.DefaultProcessTypes)
        {
            types[name] = command;
        }

        string? procfile;
        try
        {
            procfile = await AppFiles.ReadAsync(run.AppDir, "Procfile", run.Timeout).ConfigureAwait(false); // a buildpack may have replaced it
        }
        catch (AppFileException e)
        {
            return new BuildError(BuildFailure.UnreadableAppFile, e.Message);
        }

        if (procfile is not null)
        {
            var (declared, error) = Paas.Domain.Procfile.Parse(procfile);
            if (declared is null)
            {
                return new BuildError(BuildFailure.ProcfileInvalid, error!);
            }

            foreach (var (name, command) in declared)
            {
                types[name] = command;
            }

            await run.Output.DetailAsync("Procfile declares types -> " + (declared.Count == 0 ? "(none)" : string.Join(", ", declared.Keys))).ConfigureAwait(false);
        }

        if (types.Count == 0)
        {
            return new BuildError(BuildFailure.NoProcessTypes, run.FromDockerfile
                ? "no process types: the Dockerfile sets no CMD or ENTRYPOINT; add a CMD (the web process) or a Procfile with a line like 'web: ./start.sh'"
                : "no process types: add a Procfile with a line like 'web: ./start.sh'");
        }

        await run.Output.DetailAsync($"Default types for {(run.FromDockerfile ? "Dockerfile" : "buildpack")} -> " + string.Join(", ", types.Keys)).ConfigureAwait(false);
        run.ProcessTypes = types;
        return null;
    }

    // 8. the slug as deterministic layers (+ the process types layer on a stack)
    private async Task<BuildError?> CompressAsync(BuildRun run)
    {
        run.Stack = stacks.Stack;
        var owner = run.Stack is null ? 0 : StackContract.UserId;
        var layers = await SlugLayer.WriteLayersAsync(run.AppDir, paths.SlugLayers(run.Push.App), owner, run.Timeout).ConfigureAwait(false);
        run.SlugLayers = [.. layers.Select(l => l with { Layer = l.Layer with { Annotations = new Dictionary<string, string> { [StackContract.LayerAnnotation] = StackContract.SlugLayer } } })];
        if (run.Stack is not null)
        {
            var (types, typesDiffId) = await SlugLayer.WriteProcessTypesAsync(run.ProcessTypes, Path.Combine(run.Push.Directory, "process-types.tar.gz"), owner, run.Timeout).ConfigureAwait(false);
            run.TypesLayer = types with { Annotations = new Dictionary<string, string> { [StackContract.LayerAnnotation] = StackContract.ProcessTypesLayer } };
            run.TypesDiffId = typesDiffId;
        }

        var size = layers.Sum(l => l.Layer.Size);
        var reused = layers.Where(l => l.Reused).Sum(l => l.Layer.Size);
        await run.Output.StepAsync($"Compressing... done, {Megabytes(size)}" + (reused > 0 ? $" ({Megabytes(reused)} unchanged since the last build)" : "")).ConfigureAwait(false);
        return null;
    }

    // 9. push the image
    private async Task<BuildError?> PushImageAsync(BuildRun run)
    {
        var settings = options.Value;
        if (RegistryTarget.Of(settings) is not { } target)
        {
            return new BuildError(BuildFailure.RegistryFailed, RegistryTarget.Missing);
        }

        var registry = target.Url;
        var config = run.Stack is null ? ImageConfigs.SlugOnly(run, settings.Stack) : ImageConfigs.OnStack(run, run.Stack, settings.Stack);
        var configBytes = OciJson.Serialize(config);
        var configDescriptor = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute(configBytes), Size = configBytes.Length };
        var slug = run.SlugLayers.Select(l => l.Layer).ToList();
        var layers = run.Stack is null ? slug : [.. run.Stack.Manifest.Layers, .. slug, run.TypesLayer!];
        var manifest = OciJson.Serialize(new ImageManifest { Config = configDescriptor, Layers = layers });
        var pusher = new RegistryPusher(RegistryHttp, registry, target.Username, target.Password);
        var repository = run.Push.App;
        try
        {
            if (run.Stack is { } stack)
            {
                foreach (var layer in stack.Manifest.Layers)
                {
                    if (!await pusher.MountBlobAsync(repository, layer.Digest, StackContract.Repository, run.Timeout).ConfigureAwait(false))
                    {
                        await pusher.PushBlobAsync(repository, layer, () => File.OpenRead(stack.BlobPath(layer.Digest)), run.Timeout).ConfigureAwait(false);
                    }
                }

                await pusher.PushBlobAsync(repository, run.TypesLayer!, () => File.OpenRead(Path.Combine(run.Push.Directory, "process-types.tar.gz")), run.Timeout).ConfigureAwait(false);
            }

            foreach (var layer in run.SlugLayers)
            {
                await pusher.PushBlobAsync(repository, layer.Layer, () => File.OpenRead(layer.Path), run.Timeout).ConfigureAwait(false);
            }

            await pusher.PushBlobAsync(repository, configDescriptor, () => new MemoryStream(configBytes), run.Timeout).ConfigureAwait(false);
            await pusher.PushManifestAsync(repository, "git-" + run.Sha[..7], manifest, MediaTypes.OciManifest, run.Timeout).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return new BuildError(BuildFailure.RegistryFailed, "could not push the image: " + e.Message);
        }

        run.Image = $"{registry.Authority}/{repository}@{Digest.Compute(manifest)}";
        await run.Output.DetailAsync($"Image {registry.Authority}/{repository}:git-{run.Sha[..7]}").ConfigureAwait(false);
        await handOff.OfferAsync(run.Push.App, run.Image, run.AppDir, run.Timeout).ConfigureAwait(false);
        return null;
    }

    // 10. record the build; the controller makes and deploys the release
    private async Task<BuildError?> RecordAsync(BuildRun run)
    {
        await run.Output.StepAsync("Launching...").ConfigureAwait(false);
        var client = controller.For(run.Push.Token);
        try
        {
            var build = await client.CreateBuildAsync(run.Push.App, new BuildCreateRequest(run.Image, run.ProcessTypes, run.Sha), run.Timeout).ConfigureAwait(false);
            run.Version = build.Release ?? 0;
        }
        catch (PaasApiException e) when (e.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            // The controller's sentence already says so: "v5 was recorded but failed to deploy: <reason>; APP keeps running its previous release".
            return new BuildError(BuildFailure.DeployFailed, e.Message);
        }
        catch (Exception e) when (e is PaasApiException or PaasConnectionException)
        {
            return new BuildError(BuildFailure.ControllerRefused, "the controller did not record the build: " + e.Message);
        }

        await run.Output.DetailAsync($"Released v{run.Version}").ConfigureAwait(false); // Heroku's words, under the one "Launching..." line
        try
        {
            var app = await client.GetAppAsync(run.Push.App, run.Timeout).ConfigureAwait(false);
            await run.Output.DetailAsync(app.Url + " deployed").ConfigureAwait(false);
        }
        catch (Exception e) when (e is PaasApiException or PaasConnectionException)
        {
            await run.Output.DetailAsync(run.Push.App + " deployed").ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>A size in words, in MiB with one decimal: <c>42.1 MB</c> (as Heroku prints slug and cache sizes).</summary>
    internal static string Megabytes(long bytes) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.0} MB");

    /// <summary>A duration in words: <c>15 min</c>, <c>3 s</c>.</summary>
    internal static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0.#} s";
}
