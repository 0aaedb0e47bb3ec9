using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Paas.Builder;

/// <summary>
/// Compiles in a short-lived Kubernetes build Pod, as Deis's slugbuilder did, so that code a push brings never runs in the
/// builder's pod (which holds the git repositories, the registry credential and a service account token):
/// <list type="number">
/// <item>pack the exported commit and the config vars (<c>app/</c>, <c>env/</c>, see <see cref="SlugArchive"/>) and the app's
/// build cache (<c>cache/</c>, from <see cref="BuilderPaths.Cache"/>, empty for a first build), and open four one-time URLs on
/// the builder's port (<see cref="BuildTransfers"/>): the source and cache downloads, the slug and cache uploads;</item>
/// <item>run the pod (<see cref="IBuildPods"/>): image <see cref="BuildPodOptions.Image"/>, the script
/// <c>Pods/build-pod.sh</c> as <c>sh -c</c>, CPU and memory limits, <c>activeDeadlineSeconds</c> = the build timeout, no
/// service-account token, no secret in its spec (config vars travel in the download); its log becomes the pusher's
/// <c>remote:</c> lines as it is written, except the script's <c>paas-error:</c> line, which becomes the failure's reason;</item>
/// <item>unpack the uploaded slug (hostile input) over <see cref="BuildRun.AppDir"/> and read <c>release.yml</c>;</item>
/// <item>keep the uploaded cache (hostile input too) as the app's build cache, replacing the previous one in two renames,
/// only when the pod succeeded; a cache above <see cref="BuildPodOptions.MaxCacheBytes"/> or with a refused entry is not
/// kept (the previous one stays) and the build still succeeds, saying so. This is Heroku's rule for CACHE_DIR (the
/// buildpack API: the cache survives between builds), as <see cref="LocalCompiler"/> keeps it in place.</item>
/// </list>
/// The pod is deleted when it ends, fails, times out or the push is cancelled; the URLs die with the build.
/// </summary>
internal sealed class PodCompiler(IOptions<BuilderOptions> options, IBuildPods pods, BuildTransfers transfers, ControllerApi controller, BuilderPaths paths, ILogger<PodCompiler> logger) : ICompiler
{
    private const string ErrorPrefix = "paas-error: ";

    /// <inheritdoc />
    public async Task<BuildError?> CompileAsync(BuildRun run)
    {
        var settings = options.Value;
        var podSettings = settings.Pods;
        var listed = await BuildpackList.ReadAsync(run).ConfigureAwait(false);
        var source = Path.Combine(run.Push.Directory, "source.tar.gz");
        var slug = Path.Combine(run.Push.Directory, "slug-upload.tar.gz");
        var cacheIn = Path.Combine(run.Push.Directory, "cache-download.tar.gz");
        var cacheOut = Path.Combine(run.Push.Directory, "cache-upload.tar.gz");
        await SlugArchive.PackSourceAsync(run.AppDir, run.EnvDir, source, run.Timeout).ConfigureAwait(false);
        await PackCacheAsync(run, cacheIn).ConfigureAwait(false);
        using var transfer = transfers.Open(source, slug, podSettings.MaxSlugBytes, cacheIn, cacheOut, podSettings.MaxCacheBytes);
        var builder = podSettings.BuilderUrl is { Length: > 0 } url ? new Uri(url.TrimEnd('/') + "/") : controller.LocalUrl;
        var spec = new BuildPodSpec(
            podSettings.Namespace ?? throw new InvalidOperationException("builds in pods need Builder:Pods:Namespace (PAAS_BUILD_NAMESPACE)"),
            PodName(run),
            run.Push.App,
            podSettings.Image ?? throw new InvalidOperationException("builds in pods need PAAS_BUILD_IMAGE"),
            ["/bin/sh", "-c", BuildPodScript.Text, "build-pod"],
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PAAS_SOURCE_URL"] = new Uri(builder, "v2/builder/transfers/" + transfer.Source.Token).AbsoluteUri,
                ["PAAS_SLUG_URL"] = new Uri(builder, "v2/builder/transfers/" + transfer.Slug.Token).AbsoluteUri,
                ["PAAS_CACHE_URL"] = new Uri(builder, "v2/builder/transfers/" + transfer.CacheIn.Token).AbsoluteUri,
                ["PAAS_CACHE_UPLOAD_URL"] = new Uri(builder, "v2/builder/transfers/" + transfer.CacheOut.Token).AbsoluteUri,
                ["PAAS_BUILDPACKS"] = string.Join('\n', listed),
                ["PAAS_DETECT_ORDER"] = string.Join(' ', settings.DetectOrder),
                ["PAAS_BUILDPACKS_DIR"] = podSettings.BuildpacksDir,
                ["STACK"] = settings.Stack,
                ["SOURCE_VERSION"] = run.Sha,
                ["REQUEST_ID"] = run.Push.Id,
            },
            podSettings.CpuLimit,
            podSettings.MemoryLimit,
            settings.BuildTimeout,
            podSettings.RunAsUser);
        BuilderLog.BuildPodStarting(logger, run.Push.App, spec.Namespace, spec.Name, spec.Image);
        string? reason = null;
        var result = await pods.RunAsync(spec, async line =>
        {
            if (line.StartsWith(ErrorPrefix, StringComparison.Ordinal))
            {
                reason = line[ErrorPrefix.Length..].Trim();
                return;
            }

            await run.Output.LineAsync(line).ConfigureAwait(false);
        }, run.Timeout).ConfigureAwait(false);
        run.Timeout.ThrowIfCancellationRequested();
        BuilderLog.BuildPodEnded(logger, run.Push.App, spec.Name, result.End, result.ExitCode, result.Message);
        if (Failure(result, reason, settings) is { } failure)
        {
            return failure;
        }

        if (!transfer.Slug.Received)
        {
            return new BuildError(BuildFailure.BuildPodFailed, "the build pod ended without sending the compiled app back to the builder");
        }

        if (await UnpackAsync(run, slug).ConfigureAwait(false) is { } unusable)
        {
            return unusable;
        }

        await KeepCacheAsync(run, transfer.CacheOut).ConfigureAwait(false);
        return null;
    }

    /// <summary>Packs the app's build cache for the pod, saying how large it is when there is one.</summary>
    private async Task PackCacheAsync(BuildRun run, string target)
    {
        var cache = paths.Cache(run.Push.App);
        var empty = !Directory.Exists(cache) || !Directory.EnumerateFileSystemEntries(cache).Any();
        await SlugArchive.PackCacheAsync(cache, target, run.Timeout).ConfigureAwait(false);
        if (!empty)
        {
            await run.Output.StepAsync($"Restoring build cache ({BuildPipeline.Megabytes(new FileInfo(target).Length)})").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Makes the cache the pod uploaded the app's build cache: unpacked beside it (same file system), then the previous one
    /// moved away and the new one moved in. A cache too large or refused leaves the previous one, and the build goes on.
    /// </summary>
    private async Task KeepCacheAsync(BuildRun run, BuildTransferFile upload)
    {
        if (upload.TooLarge)
        {
            await run.Output.StepAsync($"Build cache not stored: it is larger than the limit of {BuildPipeline.Megabytes(upload.MaxBytes)} (PAAS_BUILD_MAX_CACHE_BYTES); the next build restores the previous cache").ConfigureAwait(false);
            return;
        }

        if (!upload.Received)
        {
            return; // a pod that sent none (an older script, a failed upload it reported) leaves the previous cache
        }

        var unpacked = Path.Combine(run.Push.Directory, "cache-in");
        try
        {
            await SlugArchive.UnpackAsync(upload.Path, unpacked, "build cache", options.Value.Pods.MaxUnpackedBytes, run.Timeout).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            await run.Output.StepAsync("Build cache not stored: " + e.Message).ConfigureAwait(false);
            return;
        }

        var fresh = Path.Combine(unpacked, "cache");
        if (!Directory.Exists(fresh) || new FileInfo(fresh).LinkTarget is not null)
        {
            await run.Output.StepAsync("Build cache not stored: the build pod sent a cache without cache/").ConfigureAwait(false);
            return;
        }

        await run.Output.StepAsync($"Storing build cache ({BuildPipeline.Megabytes(new FileInfo(upload.Path).Length)})").ConfigureAwait(false);
        var cache = paths.Cache(run.Push.App);
        var previous = Path.Combine(run.Push.Directory, "cache-previous");
        Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
        if (Directory.Exists(cache))
        {
            Directory.Move(cache, previous); // deleted with the push's folder
        }

        Directory.Move(fresh, cache);
        File.Delete(upload.Path);
    }

    /// <summary>The pod's name: <c>build-APP-SHA7-RANDOM</c> (at most 50 characters: apps have at most 30).</summary>
    private static string PodName(BuildRun run) =>
        $"build-{run.Push.App}-{run.Sha[..Math.Min(7, run.Sha.Length)]}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>The build's error for a pod that did not succeed, or null.</summary>
    internal static BuildError? Failure(BuildPodResult result, string? reason, BuilderOptions settings) => result.End switch
    {
        BuildPodEnd.Succeeded => null,
        BuildPodEnd.Failed => (BuildPodExit?)result.ExitCode switch
        {
            BuildPodExit.NoBuildpack => new(BuildFailure.NoBuildpack, reason ?? LocalCompiler.NoBuildpackMessage),
            BuildPodExit.BuildpackUnavailable => new(BuildFailure.BuildpackUnavailable, reason ?? "a buildpack of BUILDPACK_URL or .buildpacks could not be fetched"),
            BuildPodExit.CompileFailed => new(BuildFailure.CompileFailed, reason ?? "a buildpack failed to compile the app"),
            BuildPodExit.ReleaseFailed => new(BuildFailure.ProcfileInvalid, reason ?? "the buildpack's bin/release failed"),
            BuildPodExit.DownloadFailed or BuildPodExit.UploadFailed => new(BuildFailure.BuildPodFailed,
                (reason ?? "the build pod could not exchange files with the builder") + "; build pods must reach the builder at PAAS_BUILD_CALLBACK_URL (NetworkPolicy)"),
            _ => new(BuildFailure.CompileFailed, $"the build pod ended with exit code {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}"),
        },
        BuildPodEnd.DeadlineExceeded => new(BuildFailure.Timeout, $"the build ran longer than {BuildPipeline.Describe(settings.BuildTimeout)} and was stopped"),
        BuildPodEnd.OutOfMemory => new(BuildFailure.BuildPodFailed,
            $"the build ran out of memory (OOMKilled at the build pod's limit of {settings.Pods.MemoryLimit}); the platform's operator can raise PAAS_BUILD_MEMORY_LIMIT"),
        BuildPodEnd.NotStarted => new(BuildFailure.BuildPodFailed, $"the build pod could not start ({result.Message}); check the build image PAAS_BUILD_IMAGE={settings.Pods.Image}"),
        _ => new(BuildFailure.BuildPodFailed, result.Message ?? "the build pod could not be run"),
    };

    private async Task<BuildError?> UnpackAsync(BuildRun run, string slug)
    {
        var unpacked = Path.Combine(run.Push.Directory, "slug-in");
        try
        {
            await SlugArchive.UnpackAsync(slug, unpacked, "slug", options.Value.Pods.MaxUnpackedBytes, run.Timeout).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            return new BuildError(BuildFailure.CompileFailed, "the build pod sent back an unusable slug: " + e.Message);
        }

        if (!Directory.Exists(Path.Combine(unpacked, "app")))
        {
            return new BuildError(BuildFailure.CompileFailed, "the build pod sent back a slug without app/");
        }

        Directory.Delete(run.AppDir, recursive: true);
        Directory.Move(Path.Combine(unpacked, "app"), run.AppDir);
        var release = Path.Combine(unpacked, "release.yml");
        run.ReleaseYaml = File.Exists(release) && new FileInfo(release).LinkTarget is null ? await File.ReadAllTextAsync(release, run.Timeout).ConfigureAwait(false) : "";
        File.Delete(slug);
        return null;
    }
}
