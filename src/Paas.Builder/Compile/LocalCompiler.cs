using System.Globalization;
using Microsoft.Extensions.Options;
using Paas.Scheduling.Local;

namespace Paas.Builder;

/// <summary>
/// Compiles in processes of the builder itself (the default, and a builder outside a cluster): the buildpacks chosen by
/// <see cref="BuildpackList"/> (fetched with <c>git clone --depth 1</c> when given as URLs) or the first built-in whose
/// <c>bin/detect</c> succeeds; then <c>bin/compile BUILD_DIR CACHE_DIR ENV_DIR</c> for each, output streamed; then the last
/// one's <c>bin/release</c>. When the builder runs as root, every buildpack step runs as the app's build user
/// (<see cref="BuildUsers"/>), and what a step leaves running is killed; the build cache (<see cref="BuilderPaths.Cache"/>,
/// 0700, the build user's) is kept between builds.
/// </summary>
internal sealed class LocalCompiler(IOptions<BuilderOptions> options, BuilderPaths paths, BuildUsers buildUsers) : ICompiler
{
    /// <inheritdoc />
    public async Task<BuildError?> CompileAsync(BuildRun run)
    {
        SystemUser? user;
        try
        {
            user = await PrepareFoldersAsync(run).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            return new BuildError(BuildFailure.CompileFailed, "the build could not be prepared: " + e.Message);
        }

        // Each step's leftovers are killed as it ends (BuildpackProcess), cancelled or not.
        var error = await ChooseBuildpacksAsync(run, user).ConfigureAwait(false)
            ?? await RunCompileAsync(run, user).ConfigureAwait(false)
            ?? await RunReleaseAsync(run, user).ConfigureAwait(false);
        if (error is null)
        {
            await AppFiles.RemoveSpecialFilesAsync(run.AppDir, run.Timeout).ConfigureAwait(false); // before the slug is packed
        }

        return error;
    }

    /// <summary>
    /// Creates the cache, HOME and TMPDIR (mode 0700) and, when buildpacks run as the app's build user, hands them, the
    /// source and the config vars to that user.
    /// </summary>
    private async Task<SystemUser?> PrepareFoldersAsync(BuildRun run)
    {
        var cache = paths.Cache(run.Push.App);
        foreach (var folder in new[] { cache, run.HomeDir, run.TmpDir })
        {
            AppFiles.CreateFolder(folder, AppFiles.PrivateFolder);
        }

        var user = await buildUsers.ForAsync(run.Push.App).ConfigureAwait(false);
        if (user is not null)
        {
            await BuildUsers.HandOverAsync(user, [run.AppDir, cache, run.EnvDir, run.HomeDir, run.TmpDir], run.Timeout).ConfigureAwait(false);
        }

        return user;
    }

    private async Task<BuildError?> ChooseBuildpacksAsync(BuildRun run, SystemUser? user)
    {
        var settings = options.Value;
        var listed = await BuildpackList.ReadAsync(run).ConfigureAwait(false);
        if (listed.Count > 0)
        {
            var index = 0;
            foreach (var entry in listed)
            {
                var (buildpack, error) = await FetchBuildpackAsync(run, entry, index++).ConfigureAwait(false);
                if (buildpack is null)
                {
                    return new BuildError(BuildFailure.BuildpackUnavailable, error!);
                }

                run.Buildpacks.Add(buildpack);
            }

            var name = await DetectAsync(run, run.Buildpacks[^1], user).ConfigureAwait(false) ?? run.Buildpacks[^1].Name;
            run.Buildpacks[^1] = run.Buildpacks[^1] with { Name = name };
            await run.Output.StepAsync($"Using buildpack{(listed.Count > 1 ? "s" : "")} {string.Join(", ", listed)}").ConfigureAwait(false);
            await run.Output.StepAsync($"{name} app detected").ConfigureAwait(false);
            return null;
        }

        foreach (var candidate in settings.DetectOrder)
        {
            var buildpack = new Buildpack(candidate, Path.Combine(settings.BuildpacksDir, candidate));
            if (!buildpack.IsValid || (candidate == ProcfileBuildpack && DockerfileBuilder.Exists(run) && DockerfileBuilder.Chosen(run) is null))
            {
                continue; // a Procfile alone says how to run an app, not how to build it: with a Dockerfile next to it, the Dockerfile builds
            }

            if (await DetectAsync(run, buildpack, user).ConfigureAwait(false) is { } detected)
            {
                run.Buildpacks.Add(buildpack);
                await run.Output.StepAsync($"{detected} app detected").ConfigureAwait(false);
                return null;
            }
        }

        return new BuildError(BuildFailure.NoBuildpack, DockerfileBuilder.Exists(run) ? DockerfileMessage : NoBuildpackMessage);
    }

    /// <summary>The built-in buildpack that only runs a Procfile's commands (it detects any app with a Procfile).</summary>
    internal const string ProcfileBuildpack = "procfile";

    /// <summary>What the pusher reads when no buildpack recognises the app.</summary>
    internal const string NoBuildpackMessage = "no buildpack recognises this app: add a package.json (Node.js), a .csproj (.NET), an index.html (static site) or a Procfile, or set BUILDPACK_URL (paas config:set BUILDPACK_URL=...)";

    /// <summary>What the pusher reads when no buildpack recognises an app that has a Dockerfile.</summary>
    internal const string DockerfileMessage = "no buildpack recognises this app, and PAAS_BUILDER=buildpacks keeps its Dockerfile from being built: add a package.json (Node.js), a .csproj (.NET) or an index.html (static site), or unset PAAS_BUILDER (paas config:unset PAAS_BUILDER) to build the Dockerfile";

    private async Task<(Buildpack? Buildpack, string? Error)> FetchBuildpackAsync(BuildRun run, string entry, int index)
    {
        var settings = options.Value;
        var builtIn = Path.Combine(settings.BuildpacksDir, entry);
        if (!entry.Contains('/', StringComparison.Ordinal) && new Buildpack(entry, builtIn).IsValid)
        {
            return (new Buildpack(entry, builtIn), null);
        }

        var hash = entry.IndexOf('#', StringComparison.Ordinal);
        var location = hash >= 0 ? entry[..hash] : entry;
        var reference = hash >= 0 ? entry[(hash + 1)..] : null;
        var local = location.StartsWith('/') || location.StartsWith("file://", StringComparison.Ordinal);
        if (local ? !settings.LocalBuildpacks : !BuildpackList.IsRemote(location))
        {
            return (null, local
                ? $"{entry} names a folder on the builder's machine, which this platform does not allow (Builder:LocalBuildpacks): use a built-in buildpack's name or an https:// git URL"
                : $"{entry} is neither a built-in buildpack ({string.Join(", ", settings.DetectOrder)}) nor an http(s):// or git:// URL");
        }

        if (location.StartsWith("file://", StringComparison.Ordinal))
        {
            location = new Uri(location).LocalPath;
        }

        if (location.StartsWith('/') && reference is null && Directory.Exists(location))
        {
            var folder = new Buildpack(entry, location);
            return folder.IsValid ? (folder, null) : (null, $"{entry} is not a buildpack (no bin/compile)");
        }

        var target = Path.Combine(run.Push.Directory, "buildpacks", index.ToString(CultureInfo.InvariantCulture));
        await run.Output.StepAsync("Fetching buildpack " + entry).ConfigureAwait(false);
        List<string> args = ["clone", "--quiet", "--depth", "1"];
        if (reference is not null)
        {
            args.AddRange(["--branch", reference]);
        }

        args.AddRange(["--", location, target]);
        // Only the transports the entry was checked for, submodules included (git's GIT_ALLOW_PROTOCOL): no ssh with the
        // platform's keys, no ext:: commands, no other folder on this machine.
        var environment = new Dictionary<string, string>
        {
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_ALLOW_PROTOCOL"] = local ? "file" : "http:https:git",
            ["GIT_CONFIG_NOSYSTEM"] = "1",
        };
        var (code, _, error) = await GitCommand.CaptureAsync(args, environment, run.Timeout).ConfigureAwait(false);
        if (code != 0)
        {
            return (null, $"could not fetch buildpack {entry}: {error.Trim().Split('\n')[^1]}");
        }

        var fetched = new Buildpack(entry, target);
        return fetched.IsValid ? (fetched, null) : (null, $"{entry} is not a buildpack (no bin/compile)");
    }

    private async Task<string?> DetectAsync(BuildRun run, Buildpack buildpack, SystemUser? user)
    {
        if (!File.Exists(buildpack.Script("detect")))
        {
            return null;
        }

        var lines = new List<string>();
        var code = await BuildpackProcess.RunAsync(buildpack.Script("detect"), [run.AppDir], Environment(run), run.AppDir, user, line =>
        {
            lines.Add(line);
            return Task.CompletedTask;
        }, run.Timeout).ConfigureAwait(false);
        run.Timeout.ThrowIfCancellationRequested();
        return code == 0 ? (lines.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? buildpack.Name) : null;
    }

    private async Task<BuildError?> RunCompileAsync(BuildRun run, SystemUser? user)
    {
        var cache = paths.Cache(run.Push.App);
        foreach (var buildpack in run.Buildpacks)
        {
            var code = await BuildpackProcess.RunAsync(buildpack.Script("compile"), [run.AppDir, cache, run.EnvDir], Environment(run), run.AppDir, user, run.Output.LineAsync, run.Timeout).ConfigureAwait(false);
            run.Timeout.ThrowIfCancellationRequested();
            if (code != 0)
            {
                return new BuildError(BuildFailure.CompileFailed, $"the {buildpack.Name} buildpack failed to compile the app (exit code {code})");
            }
        }

        return null;
    }

    private async Task<BuildError?> RunReleaseAsync(BuildRun run, SystemUser? user)
    {
        var last = run.Buildpacks[^1];
        if (!File.Exists(last.Script("release")))
        {
            run.ReleaseYaml = "";
            return null;
        }

        var yaml = new System.Text.StringBuilder();
        var code = await BuildpackProcess.RunAsync(last.Script("release"), [run.AppDir], Environment(run), run.AppDir, user, line =>
        {
            yaml.Append(line).Append('\n');
            return Task.CompletedTask;
        }, run.Timeout).ConfigureAwait(false);
        run.Timeout.ThrowIfCancellationRequested();
        if (code != 0)
        {
            return new BuildError(BuildFailure.ProcfileInvalid, $"the {last.Name} buildpack's bin/release failed (exit code {code})");
        }

        run.ReleaseYaml = yaml.ToString();
        return null;
    }

    private Dictionary<string, string> Environment(BuildRun run) => new(StringComparer.Ordinal)
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["HOME"] = run.HomeDir,
        ["STACK"] = options.Value.Stack,
        ["LANG"] = "C.UTF-8",
        ["TMPDIR"] = run.TmpDir,
        ["SOURCE_VERSION"] = run.Sha,
        ["REQUEST_ID"] = run.Push.Id,
    };
}
