using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Paas.Builder;

/// <summary>
/// Compiles in a short-lived Kubernetes build Pod, as Deis's slugbuilder did, so that code a push brings never runs in the
/// builder's pod (which holds the git repositories, the registry credential and a service account token):
/// <list type="number">
/// <item>pack the exported commit and the config vars (<c>app/</c>, <c>env/</c>, see <see cref="SlugArchive"/>) and open two
/// one-time URLs on the builder's port (<see cref="BuildTransfers"/>): the source download and the slug upload;</item>
/// <item>run the pod (<see cref="IBuildPods"/>): image <see cref="BuildPodOptions.Image"/>, the script
/// <c>Pods/build-pod.sh</c> as <c>sh -c</c>, CPU and memory limits, <c>activeDeadlineSeconds</c> = the build timeout, no
/// service-account token, no secret in its spec (config vars travel in the download); its log becomes the pusher's
/// <c>remote:</c> lines as it is written, except the script's <c>paas-error:</c> line, which becomes the failure's reason;</item>
/// <item>unpack the uploaded slug (hostile input) over <see cref="BuildRun.AppDir"/> and read <c>release.yml</c>.</item>
/// </list>
/// The pod is deleted when it ends, fails, times out or the push is cancelled; the URLs die with the build. No build cache
/// is kept between pod builds (each starts with an empty CACHE_DIR).
/// </summary>
internal sealed class PodCompiler(IOptions<BuilderOptions> options, IBuildPods pods, BuildTransfers transfers, ControllerApi controller, ILogger<PodCompiler> logger) : ICompiler
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
        await SlugArchive.PackSourceAsync(run.AppDir, run.EnvDir, source, run.Timeout).ConfigureAwait(false);
        using var transfer = transfers.Open(source, slug, podSettings.MaxSlugBytes);
        var builder = podSettings.BuilderUrl is { Length: > 0 } url ? new Uri(url.TrimEnd('/') + "/") : controller.LocalUrl;
        var spec = new BuildPodSpec(
            podSettings.Namespace ?? throw new InvalidOperationException("builds in pods need Builder:Pods:Namespace (PAAS_BUILD_NAMESPACE)"),
            PodName(run),
            run.Push.App,
            podSettings.Image ?? throw new InvalidOperationException("builds in pods need PAAS_BUILD_IMAGE"),
            ["/bin/sh", "-c", BuildPodScript.Text, "build-pod"],
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PAAS_SOURCE_URL"] = new Uri(builder, "v2/builder/transfers/" + transfer.DownloadToken).AbsoluteUri,
                ["PAAS_SLUG_URL"] = new Uri(builder, "v2/builder/transfers/" + transfer.UploadToken).AbsoluteUri,
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

        if (!transfer.SlugReceived)
        {
            return new BuildError(BuildFailure.BuildPodFailed, "the build pod ended without sending the compiled app back to the builder");
        }

        return await UnpackAsync(run, slug).ConfigureAwait(false);
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

    private static async Task<BuildError?> UnpackAsync(BuildRun run, string slug)
    {
        var unpacked = Path.Combine(run.Push.Directory, "slug-in");
        try
        {
            await SlugArchive.UnpackAsync(slug, unpacked, run.Timeout).ConfigureAwait(false);
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
