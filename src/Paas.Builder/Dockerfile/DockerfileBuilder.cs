using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Paas.Builder;

/// <summary>
/// Builds an app from the <c>Dockerfile</c> at the root of its commit with buildah, no daemon (buildah-bud(1)), and pushes the
/// image to the platform's registry (buildah-push(1)):
/// <list type="bullet">
/// <item><c>buildah --root WORK/buildah/APP/storage --runroot WORK/buildah/APP/run bud --layers --pull ...</c>: each app has a storage
/// of its own, which is its layer cache (an unchanged step is <c>Using cache</c>) and which no other app's build can read or poison;</item>
/// <item>every <c>RUN</c> step runs in a runc container with buildah's default capabilities and the options of
/// <see cref="DockerfileOptions.RuntimeArguments"/>, as root of the container, which is root of the host when the builder is (as
/// <c>docker build</c> does): a user namespace (<c>--userns-uid-map</c>) makes a <c>COPY</c> into a folder a <c>RUN</c> step
/// made fail with EOVERFLOW on overlay storage (buildah 1.28), and vfs storage, where it works, makes a build 30 s slower;</item>
/// <item>short <c>FROM</c> names resolve to the platform's registry, pulled with the pusher's own sign-in, so the registry's
/// permission check decides which apps' images a build may start from (see <see cref="BuildahSettings"/>);</item>
/// <item>buildah's output is the build's output, line by line, as the pusher's <c>remote:</c> lines;</item>
/// <item>the image's config gives the default <c>web</c> process type (<see cref="ImageCommand"/>); a <c>Procfile</c> in the commit
/// overrides it, as for buildpack builds; <c>EXPOSE</c> of exactly one port becomes the web process's <c>PORT</c> where it runs
/// (the schedulers read it from the image);</item>
/// <item>the image is pushed as <c>APP:git-SHA7</c> with the platform's service credential (that repository only), its base layers
/// mounted from the repository they came from when the registry has them.</item>
/// </list>
/// </summary>
internal sealed class DockerfileBuilder(IOptions<BuilderOptions> options, BuilderPaths paths)
{
    /// <summary>The config var that chooses how an app is built: <c>dockerfile</c>, <c>buildpacks</c>, or unset (detect).</summary>
    public const string BuilderVar = Paas.Domain.ConfigVarName.Builder;

    /// <summary>The file a Dockerfile build reads, at the root of the commit.</summary>
    public const string FileName = "Dockerfile";

    /// <summary>
    /// How <paramref name="run"/> is built: <c>PAAS_BUILDER=dockerfile</c> forces a Dockerfile build and <c>buildpacks</c> a buildpack
    /// build; unset, buildpacks are detected first and the Dockerfile is used when none recognises the app.
    /// </summary>
    /// <returns>True: the Dockerfile; false: buildpacks; null: buildpacks, then the Dockerfile if none matches and it exists.</returns>
    /// <exception cref="ArgumentException">PAAS_BUILDER holds another value (its message is the pusher's sentence).</exception>
    public static bool? Chosen(BuildRun run) => run.Config.TryGetValue(BuilderVar, out var value) ? value.Trim().ToLowerInvariant() switch
    {
        "dockerfile" or "docker" => true,
        "buildpacks" or "buildpack" => false,
        "" => null,
        _ => throw new ArgumentException($"{BuilderVar} is '{value}': set it to dockerfile or buildpacks, or unset it to detect (paas config:unset {BuilderVar})"),
    } : null;

    /// <summary>Whether the commit has a <c>Dockerfile</c> at its root.</summary>
    public static bool Exists(BuildRun run) => File.Exists(Path.Combine(run.AppDir, FileName));

    /// <summary>Builds the image (<c>buildah bud</c>) and reads its config into <see cref="BuildRun.DefaultProcessTypes"/> and <see cref="BuildRun.ImageId"/>.</summary>
    /// <param name="run">The build.</param>
    /// <param name="target">The platform's registry and the service credential.</param>
    /// <returns>Null, or why the build failed.</returns>
    public async Task<BuildError?> BuildAsync(BuildRun run, RegistryTarget target)
    {
        var settings = options.Value;
        if (settings.Dockerfile.Refusal is { } refusal)
        {
            return new BuildError(BuildFailure.NoBuildpack, refusal);
        }

        if (!Exists(run))
        {
            return new BuildError(BuildFailure.NoBuildpack, $"{BuilderVar}=dockerfile, but the commit has no {FileName} at its root: add one, or unset {BuilderVar} (paas config:unset {BuilderVar})");
        }

        var registry = target.Url;
        var (buildah, error) = BuildahSettings.For(run.Config, registry, (run.Push.Username, run.Push.Token), target.Credential, StackContract.Repository);
        if (buildah is null)
        {
            return new BuildError(BuildFailure.CompileFailed, error!);
        }

        await run.Output.StepAsync($"Building {run.Push.App} from its {FileName} (buildah)").ConfigureAwait(false);
        var conf = PrivateWrite(run, "registries.conf", buildah.RegistriesConf);
        var auth = PrivateWrite(run, "pull-auth.json", buildah.PullAuth);
        var idFile = Path.Combine(run.Push.Directory, "image-id");
        var args = Global(run.Push.App);
        args.AddRange(["bud", "--layers", "--force-rm", "--pull", "--format", "oci", "--http-proxy=false", "--authfile", auth, "--iidfile", idFile, "-f", FileName]);
        args.AddRange(settings.Dockerfile.RuntimeArguments);
        foreach (var name in buildah.BuildArgs)
        {
            args.AddRange(["--build-arg", name]);
        }

        args.AddRange(["--label", "io.paas.source-sha=" + run.Sha, "--label", "org.opencontainers.image.revision=" + run.Sha, "--label", "io.paas.builder=dockerfile"]);
        args.AddRange(["-t", $"localhost/{run.Push.App}:latest", "."]);
        var environment = BuildahEnvironment(conf);
        foreach (var (name, value) in buildah.BuildArgValues)
        {
            environment[name] = value;
        }

        var (exit, lastError) = await RunAsync(run, args, environment).ConfigureAwait(false);
        if (exit == -1)
        {
            run.Timeout.ThrowIfCancellationRequested();
        }

        if (exit != 0)
        {
            lastError = Shorten(lastError);
            var advice = lastError is not null && (lastError.Contains("unauthorized", StringComparison.OrdinalIgnoreCase) || lastError.Contains("denied", StringComparison.OrdinalIgnoreCase))
                ? $": a FROM names an image you may not pull; name the stack ({registry.Authority}/{StackContract.Repository}:{settings.Stack}), an image of an app you can access, or set {BuildahSettings.RegistryAuthVar} for another registry"
                : "";
            return new BuildError(BuildFailure.CompileFailed, $"the {FileName} build failed" + (lastError is null ? $" (buildah exited with {exit})" : ": " + lastError) + advice);
        }

        run.ImageId = (await File.ReadAllTextAsync(idFile, run.Timeout).ConfigureAwait(false)).Trim();
        var inspect = Global(run.Push.App);
        inspect.AddRange(["inspect", "--type", "image", run.ImageId]);
        var config = new StringBuilder();
        var (executable, arguments) = Command(inspect);
        if (await BuildpackProcess.RunAsync(executable, arguments, BuildahEnvironment(conf), run.AppDir, null, line => { config.Append(line); return Task.CompletedTask; }, run.Timeout).ConfigureAwait(false) != 0)
        {
            return new BuildError(BuildFailure.CompileFailed, "the image was built, but buildah could not read its config: " + config);
        }

        var inspected = JsonSerializer.Deserialize<JsonElement>(config.ToString());
        var image = inspected.TryGetProperty("OCIv1", out var oci) && oci.TryGetProperty("config", out var ociConfig) ? ociConfig : default;
        if (image.ValueKind != JsonValueKind.Object)
        {
            return new BuildError(BuildFailure.CompileFailed, "the image was built, but buildah's description of it has no OCI config");
        }

        var web = ImageCommand.Web(Strings(image, "Entrypoint"), Strings(image, "Cmd"), StackContract.Launcher);
        run.DefaultProcessTypes = web is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["web"] = web };
        if (image.TryGetProperty("ExposedPorts", out var ports) && ports.ValueKind == JsonValueKind.Object)
        {
            var exposed = ports.EnumerateObject().Select(p => p.Name).ToList();
            await run.Output.DetailAsync(exposed.Count == 1
                ? $"EXPOSE {exposed[0]}: the web process listens on PORT {exposed[0].Split('/')[0]}"
                : $"EXPOSE names {exposed.Count} ports ({string.Join(", ", exposed)}): the web process gets the platform's default PORT").ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Pushes the built image to the platform's registry as <c>APP:git-SHA7</c> and sets <see cref="BuildRun.Image"/> (by digest).</summary>
    /// <param name="run">The build.</param>
    /// <param name="target">The platform's registry and the service credential.</param>
    /// <returns>Null, or why the push failed.</returns>
    public async Task<BuildError?> PushAsync(BuildRun run, RegistryTarget target)
    {
        var registry = target.Url;
        var repository = run.Push.App;
        var tag = "git-" + run.Sha[..7];
        await run.Output.StepAsync($"Pushing {registry.Authority}/{repository}:{tag}").ConfigureAwait(false);
        var auth = PrivateWrite(run, "push-auth.json", BuildahSettings.PushAuth(registry, repository, target.Credential));
        var digestFile = Path.Combine(run.Push.Directory, "image-digest");
        var args = Global(run.Push.App);
        args.AddRange(["push", "--authfile", auth, "--digestfile", digestFile, $"--tls-verify={(registry.Scheme == Uri.UriSchemeHttps ? "true" : "false")}", run.ImageId, $"docker://{registry.Authority}/{repository}:{tag}"]);
        var (exit, lastError) = await RunAsync(run, args, BuildahEnvironment(null), quiet: true).ConfigureAwait(false);
        if (exit == -1)
        {
            run.Timeout.ThrowIfCancellationRequested();
        }

        if (exit != 0)
        {
            return new BuildError(BuildFailure.RegistryFailed, "could not push the image: " + (Shorten(lastError) ?? $"buildah exited with {exit}"));
        }

        var digest = (await File.ReadAllTextAsync(digestFile, run.Timeout).ConfigureAwait(false)).Trim();
        run.Image = $"{registry.Authority}/{repository}@{digest}";
        await run.Output.DetailAsync($"Image {registry.Authority}/{repository}:{tag}").ConfigureAwait(false);
        return null;
    }

    private List<string> Global(string app)
    {
        var storage = paths.Buildah(app);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Dockerfile builds run on Linux only (buildah)");
        }

        Directory.CreateDirectory(storage, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return ["--root", Path.Combine(storage, "storage"), "--runroot", Path.Combine(storage, "run"), "--storage-driver", System.Environment.IsPrivilegedProcess ? "overlay" : "vfs"];
    }

    private static Dictionary<string, string> BuildahEnvironment(string? registriesConf)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = System.Environment.GetEnvironmentVariable("HOME") ?? "/root",
        };
        if (registriesConf is not null)
        {
            environment["CONTAINERS_REGISTRIES_CONF"] = registriesConf;
        }

        return environment;
    }

    private async Task<(int Exit, string? LastError)> RunAsync(BuildRun run, List<string> args, Dictionary<string, string> environment, bool quiet = false)
    {
        string? lastError = null;
        var (executable, arguments) = Command(args);
        var exit = await BuildpackProcess.RunAsync(executable, arguments, environment, run.AppDir, null, async line =>
        {
            if (line.StartsWith("Error: ", StringComparison.Ordinal))
            {
                lastError = line["Error: ".Length..];
            }
            else if (!quiet || line.StartsWith("Copying blob", StringComparison.Ordinal))
            {
                await run.Output.DetailAsync(line).ConfigureAwait(false);
            }
        }, run.Timeout).ConfigureAwait(false);
        return (exit, lastError);
    }

    /// <summary>
    /// buildah with <paramref name="args"/>, as root in a mount namespace of its own (<c>unshare --mount --propagation private</c>):
    /// the overlay storage bind-mounts its folder onto itself and leaves it mounted when buildah exits, as a failed step
    /// leaves its container's root; in a namespace of its own every such mount goes with the process.
    /// </summary>
    private (string Executable, List<string> Arguments) Command(List<string> args)
    {
        var buildah = Find(options.Value.Dockerfile.Buildah);
        return System.Environment.IsPrivilegedProcess
            ? (Find("unshare"), ["--mount", "--propagation", "private", "--", buildah, .. args])
            : (buildah, args);
    }

    private static string Find(string name) => Path.IsPathRooted(name) ? name
        : (System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{name} is not installed (Dockerfile builds need buildah: scripts/install-deps.sh installs it)");

    private static string PrivateWrite(BuildRun run, string name, string text)
    {
        var path = Path.Combine(run.Push.Directory, name);
        var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // holds credentials: the builder's alone
        }

        using (var stream = new FileStream(path, file))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
        }

        return path;
    }

    /// <summary>buildah's errors can hold a whole Go struct: the start and the end say what failed.</summary>
    private static string? Shorten(string? error) => error is { Length: > 400 } ? error[..200] + " ... " + error[^180..] : error;

    private static List<string>? Strings(JsonElement config, string name) =>
        config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString() ?? "")] : null;
}
