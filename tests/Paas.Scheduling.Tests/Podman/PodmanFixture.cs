using Microsoft.Extensions.Logging.Abstractions;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;
using Paas.Scheduling.Podman;
using Paas.Scheduling.Tests.Fixtures;
using Paas.Testing;

namespace Paas.Scheduling.Tests.Podman;

/// <summary>
/// What every podman test shares, made once per test run: the platform's real registry on loopback (<see cref="TestRegistry"/>,
/// which only the service credential may read) holding <see cref="Image"/>, the stack (<c>PAAS_TEST_STACK_IMAGE</c>, from
/// stack/build.sh) with the fixture slug at <c>/app</c>: a Python web server (the stack has Python, not Node.js) answering
/// <c>RELEASE DYNO GREETING FROM_PROFILE</c> on <c>PORT</c> on every address, a <c>.profile.d</c> script and <c>bin/hello-tool</c>.
/// Built with buildah (no Dockerfile, no daemon), pushed with the service credential.
/// </summary>
internal static class PodmanFixture
{
    /// <summary>The fixture's web command.</summary>
    public const string WebCommand = "python3 -u server.py";

    private const string Server = """
        import http.server, os, signal, sys
        port = int(os.environ["PORT"])
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/missing":
                    self.send_response(404); self.end_headers(); return
                env = os.environ.get
                body = f"{env('PAAS_RELEASE')} {env('DYNO')} {env('GREETING', '')} {env('FROM_PROFILE', '')}".encode()
                self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *args): pass
        server = http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler)
        def stop(*args):
            print("got SIGTERM", flush=True); sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        print(f"listening on {port}", flush=True)
        server.serve_forever()
        """;

    /// <summary>The fixture image's name in podman's storage, one per test process (two runs on one machine do not share it); removed at the end of the run.</summary>
    private static readonly string FixtureTag = $"localhost/paas-podman-fixture:{Environment.ProcessId}";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static TestRegistry? _registry;
    private static string? _image;

    /// <summary>The fixture image in the registry, <c>127.0.0.1:PORT/fixture@sha256:...</c>.</summary>
    public static string Image => _image ?? throw new InvalidOperationException("call RequireAsync first");

    /// <summary>The registry's <c>host:port</c>.</summary>
    public static string Registry => _registry?.Host ?? throw new InvalidOperationException("call RequireAsync first");

    /// <summary>The per-app pull credential the platform would give: here the registry's one login, for its host alone.</summary>
    public static IAppPullCredentials Pulls { get; } = new ServicePulls();

    /// <summary>Skips (fails in CI) without podman, buildah or the stack; else builds and pushes the image once.</summary>
    public static async Task RequireAsync()
    {
        ExternalTool.RequireOrSkip("podman", "podman");
        ExternalTool.RequireOrSkip("buildah", "buildah");
        ExternalTool.RequireOrSkip("runc", "runc");
        ExternalTool.RequireOrSkip("skopeo", "skopeo");
        var stack = ExternalTool.StackOrSkip("the podman scheduler tests");

        await Gate.WaitAsync();
        try
        {
            if (_image is null)
            {
                _registry = await TestRegistry.StartAsync();
                _image = await BuildAsync(stack, _registry.Host);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => CleanUp();
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Shared settings, fast: 15 s boot timeout, 3 s grace, back-off from 200 ms to 1 s.</summary>
    public static LocalRuntimeOptions Options(string dataDir) => new()
    {
        DataDirectory = dataDir,
        BootTimeout = TimeSpan.FromSeconds(15),
        StopGracePeriod = TimeSpan.FromSeconds(3),
        EndpointDrainDelay = TimeSpan.Zero,
        CrashBackoffInitial = TimeSpan.FromMilliseconds(200),
        CrashBackoffMax = TimeSpan.FromSeconds(1),
    };

    /// <summary>A scheduler over <paramref name="dataDir"/>; images are kept (every test runs the one fixture image).</summary>
    public static PodmanScheduler Create(string dataDir, IAppLogStore logs, IAppPullCredentials? pulls = null, Action<LocalRuntimeOptions>? configure = null)
    {
        var options = Options(dataDir);
        configure?.Invoke(options);
        return new(Microsoft.Extensions.Options.Options.Create(options),
            Microsoft.Extensions.Options.Options.Create(new PodmanOptions { PruneImages = false }),
            logs, NullLogger<PodmanScheduler>.Instance, pulls ?? Pulls);
    }

    /// <summary>Runs podman (<c>--runtime runc</c>) and returns its standard output; fails the test when it fails.</summary>
    public static Task<string> PodmanAsync(params string[] args) => ExternalTool.RunAsync("podman", TimeSpan.FromMinutes(1), ["--runtime", "runc", .. args]);

    /// <summary>
    /// At the end of the run: the fixture image and every image pulled from this run's registry (the schedulers here keep
    /// their images) out of podman's storage (the stack they are built on stays, cached), the registry stopped and its
    /// folder removed.
    /// </summary>
    private static void CleanUp()
    {
        if (_image is not null)
        {
            ExternalTool.RunRawAsync("podman", TimeSpan.FromSeconds(20), "rmi", _image, FixtureTag).GetAwaiter().GetResult();
        }

        if (_registry is not null)
        {
            var pulled = ExternalTool.RunRawAsync("podman", TimeSpan.FromSeconds(20), "images", "--quiet", "--filter", $"reference={_registry.Host}/*").GetAwaiter().GetResult();
            var ids = pulled.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
            if (ids.Length > 0)
            {
                ExternalTool.RunRawAsync("podman", TimeSpan.FromSeconds(20), ["image", "rm", "--ignore", .. ids]).GetAwaiter().GetResult();
            }
        }

        _registry?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static async Task<string> BuildAsync(string stack, string registry)
    {
        var slug = Directory.CreateTempSubdirectory("paas-podman-slug-");
        var timeout = TimeSpan.FromMinutes(3);
        var container = "";
        try
        {
            Directory.CreateDirectory(Path.Combine(slug.FullName, ".profile.d"));
            Directory.CreateDirectory(Path.Combine(slug.FullName, "bin"));
            await File.WriteAllTextAsync(Path.Combine(slug.FullName, "server.py"), Server);
            await File.WriteAllTextAsync(Path.Combine(slug.FullName, ".profile.d", "hello.sh"), "export FROM_PROFILE=profiled\n");
            await File.WriteAllTextAsync(Path.Combine(slug.FullName, "bin", "hello-tool"), "#!/bin/bash\necho tool-ran\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(slug.FullName, "bin", "hello-tool"), (UnixFileMode)0b111_101_101);
            }

            // The stack's layout into podman's storage once (named after its cache key), then a working container on it.
            var stackName = $"localhost/paas-podman-stack:{Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(stack)))}";
            if ((await ExternalTool.RunRawAsync("podman", timeout, "image", "exists", stackName)).Code != 0)
            {
                await ExternalTool.RunAsync("skopeo", timeout, "copy", "-q", $"oci:{stack}", $"containers-storage:{stackName}");
            }

            container = (await ExternalTool.RunAsync("buildah", timeout, "from", "--quiet", "--pull-never", stackName)).Trim();
            await ExternalTool.RunAsync("buildah", timeout, "copy", "--chown", "1000:1000", container, slug.FullName + "/", "/app/");
            var digestFile = Path.Combine(slug.FullName, "digest");
            await ExternalTool.RunAsync("buildah", timeout, "commit", "--quiet", container, FixtureTag);
            await ExternalTool.RunAsync("buildah", timeout, "push", "--quiet", "--tls-verify=false", "--creds", $"{TestRegistry.Username}:{TestRegistry.Secret}",
                "--digestfile", digestFile, FixtureTag, $"docker://{registry}/fixture:latest");
            var digest = (await File.ReadAllTextAsync(digestFile)).Trim();
            return $"{registry}/fixture@{digest}";
        }
        finally
        {
            if (container.Length > 0)
            {
                await ExternalTool.RunRawAsync("buildah", timeout, "rm", container);
            }

            slug.Delete(recursive: true);
        }
    }

    private sealed class ServicePulls : IAppPullCredentials
    {
        public RegistryPullCredential? For(string app, string registry) =>
            registry == _registry?.Host ? new RegistryPullCredential(registry, TestRegistry.Username, TestRegistry.Secret) : null;
    }
}
