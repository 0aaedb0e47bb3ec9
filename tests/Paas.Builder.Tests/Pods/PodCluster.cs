using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Paas.Client;
using Paas.Testing;
using Paas.Testing.Kubernetes;
using Paas.Testing.Kubernetes.Kubelet;
using Xunit;

namespace Paas.Builder.Tests.Pods;

/// <summary>
/// The platform building in pods (<c>Builder:Pods:InPods=true</c>) against the fake Kubernetes API server, whose
/// <see cref="ScriptedFakeKubelet"/> runs nothing: <see cref="Pod"/> decides what each build pod does, and
/// <see cref="CompileLikeAPod"/> plays the pod's script (download the source, upload a slug) in the test process, or
/// <see cref="RunScriptHere"/> runs the real one on this machine. Given a podman kubelet, the pods run in the build image.
/// </summary>
internal sealed class PodCluster : IAsyncDisposable
{
    public const string Namespace = "builds";
    public const string Image = "registry.example/paas/build:test";

    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"paas-kubeconfig-{Guid.NewGuid():N}.yaml");

    private PodCluster(IFakeKubelet kubelet)
    {
        Kubelet = kubelet;
        (kubelet as ScriptedFakeKubelet)?.Script(spec => spec.Container == "build" ? Pod(spec) : null);
    }

    /// <summary>The node: a <see cref="ScriptedFakeKubelet"/> playing <see cref="Pod"/>, or the one given to <see cref="StartAsync"/>.</summary>
    public IFakeKubelet Kubelet { get; }

    public FakeKubernetesApiServer Server { get; private set; } = null!;

    public TestPlatform Platform { get; private set; } = null!;

    public string Token { get; private set; } = "";

    public PaasClient Client { get; private set; } = null!;

    /// <summary>What a build pod does; the default plays the script and succeeds.</summary>
    public Func<FakePodSpec, ContainerScript> Pod { get; set; } = spec => CompileLikeAPod(spec);

    /// <summary>The source folders the pods downloaded (app/ and env/), by pod name.</summary>
    public static Dictionary<string, string> Downloads { get; } = [];

    public static async Task<PodCluster> StartAsync(string buildTimeout = "00:01:00", IReadOnlyDictionary<string, string?>? settings = null, IFakeKubelet? kubelet = null)
    {
        var cluster = new PodCluster(kubelet ?? new ScriptedFakeKubelet());
        cluster.Server = await FakeKubernetesApiServer.StartAsync(new FakeKubernetesOptions { Kubelet = cluster.Kubelet });
        cluster.Server.Create(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = Namespace } });
        await File.WriteAllTextAsync(cluster._kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {cluster.Server.Url.ToString().TrimEnd('/')}
            users:
            - name: paas
              user:
                token: {cluster.Server.Token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: paas
            current-context: fake
            """);
        var all = new Dictionary<string, string?>
        {
            ["Paas:RegistrationMode"] = "enabled",
            ["Builder:BuildTimeout"] = buildTimeout,
            ["Builder:Pods:InPods"] = "true",
            ["Builder:Pods:Image"] = Image,
            ["Builder:Pods:Namespace"] = Namespace,
            ["Builder:Pods:CpuLimit"] = "2",
            ["Builder:Pods:MemoryLimit"] = "1Gi",
            ["Paas:Kubernetes:Kubeconfig"] = cluster._kubeconfig,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        cluster.Platform = await TestPlatform.StartAsync(settings: all);
        (_, cluster.Token) = await cluster.Platform.UserAsync("alice");
        cluster.Client = new PaasClient(BuilderPlatform.Http, new Uri(cluster.Platform.ApiUrl), cluster.Token);
        return cluster;
    }

    /// <summary>The pods the builder created (the POST bodies, as sent).</summary>
    public IReadOnlyList<JsonObject> CreatedPods() =>
        [.. Server.Requests.Where(r => r.Method == "POST" && r.Path == $"/api/v1/namespaces/{Namespace}/pods").Select(r => JsonNode.Parse(r.Body)!.AsObject())];

    /// <summary>Waits until no build pod is left in the namespace.</summary>
    public async Task WaitNoPodsAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Server.List("v1", "Pod", Namespace).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the build pod was not deleted: " + string.Join(", ", Server.List("v1", "Pod", Namespace).Select(p => p["metadata"]!["name"])));
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Plays the build pod's script: downloads the source (once), adds a file to the app, uploads <c>app/</c> and a
    /// <c>release.yml</c> declaring a <c>worker</c> type, prints two lines and exits 0.
    /// </summary>
    public static ContainerScript CompileLikeAPod(FakePodSpec spec, int exitCode = 0, IReadOnlyList<string>? lines = null)
    {
        var env = spec.Env.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        var work = Directory.CreateTempSubdirectory("paas-fake-pod-").FullName;
        using (var source = BuilderPlatform.Http.GetStreamAsync(env["PAAS_SOURCE_URL"]).GetAwaiter().GetResult())
        using (var gzip = new GZipStream(source, CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(gzip, work, overwriteFiles: true);
        }

        lock (Downloads)
        {
            Downloads[spec.Key.Name] = work;
        }

        File.WriteAllText(Path.Combine(work, "app", "compiled-in-pod.txt"), "yes\n");
        File.WriteAllText(Path.Combine(work, "release.yml"), "---\ndefault_process_types:\n  worker: ./work.sh\n");
        var slug = new MemoryStream();
        using (var gzip = new GZipStream(slug, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(Path.Combine(work, "release.yml"), "release.yml");
            tar.WriteEntry(Path.Combine(work, "app"), "app");
            foreach (var file in Directory.EnumerateFiles(Path.Combine(work, "app"), "*", SearchOption.AllDirectories))
            {
                tar.WriteEntry(file, "app/" + Path.GetRelativePath(Path.Combine(work, "app"), file));
            }
        }

        slug.Position = 0;
        using var upload = BuilderPlatform.Http.PutAsync(env["PAAS_SLUG_URL"], new StreamContent(slug)).GetAwaiter().GetResult();
        Assert.Equal(System.Net.HttpStatusCode.NoContent, upload.StatusCode);
        return new ContainerScript
        {
            LogLines = lines ?? ["-----> Fake app detected", "       compiled in a pod"],
            ExitCode = exitCode,
            RunFor = TimeSpan.FromMilliseconds(300),
        };
    }

    /// <summary>The app's build cache as the builder keeps it (<see cref="BuilderPaths.Cache"/>).</summary>
    public string CacheOf(string app) => ((BuilderPaths)Platform.Services.GetService(typeof(BuilderPaths))!).Cache(app);

    /// <summary>
    /// Runs the pod's real command (<c>/bin/sh -c</c> the builder's <c>build-pod.sh</c>) on this machine with the pod's
    /// environment, its work folder in a temporary one (<c>PAAS_BUILD_WORK_DIR</c>): the real script, curl and tar against the
    /// builder's real transfer URLs. Its output becomes the pod's log, its exit code the container's.
    /// </summary>
    public static ContainerScript RunScriptHere(FakePodSpec spec)
    {
        var work = Directory.CreateTempSubdirectory("paas-pod-script-").FullName;
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(spec.Command![0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in spec.Command.Skip(1).Concat(spec.Args ?? []))
            {
                start.ArgumentList.Add(arg);
            }

            foreach (var (name, value) in spec.Env)
            {
                start.Environment[name] = value;
            }

            start.Environment["PAAS_BUILD_WORK_DIR"] = Path.Combine(work, "build");
            using var process = System.Diagnostics.Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var lines = (output + error.GetAwaiter().GetResult()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return new ContainerScript { LogLines = lines, ExitCode = process.ExitCode, RunFor = TimeSpan.FromMilliseconds(100) };
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Platform.DisposeAsync();
        await Server.DisposeAsync();
        File.Delete(_kubeconfig);
    }
}
