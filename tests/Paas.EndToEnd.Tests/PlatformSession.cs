using System.Net;
using System.Net.Sockets;

namespace Paas.EndToEnd.Tests;

/// <summary>
/// A real <c>paasd</c>, a temp HOME for the real <c>paas</c> binary and git, and helpers that run commands and
/// send HTTP through the router with an assertion message that carries the command's output.
/// </summary>
internal sealed class PlatformSession : IAsyncDisposable
{
    private readonly List<string> _folders = [];

    private readonly List<PaasdProcess> _others = [];

    private PlatformSession(PaasdProcess paasd, string home)
    {
        Paasd = paasd;
        Home = home;
        HttpPort = paasd.HttpPort;
        HttpsPort = paasd.HttpsPort;
        _folders.Add(home);
    }

    /// <summary>The paasd that serves the API (the only one, unless the platform is split by roles).</summary>
    public PaasdProcess Paasd { get; }

    /// <summary>The router's HTTP port.</summary>
    public int HttpPort { get; private init; }

    /// <summary>The router's HTTPS port.</summary>
    public int HttpsPort { get; private init; }

    public string Home { get; }

    public string Url => Paasd.Url.AbsoluteUri.TrimEnd('/');

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<PlatformSession> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var home = Directory.CreateTempSubdirectory("paas-e2e-home-").FullName;
        return new PlatformSession(await PaasdProcess.StartAsync(environment, Cancel), home);
    }

    /// <summary>
    /// A platform split by roles: <paramref name="controller"/> serves the API; <paramref name="others"/> (builder, registry,
    /// router...) are disposed with it; the router answers on <paramref name="httpPort"/> and <paramref name="httpsPort"/>.
    /// </summary>
    public static PlatformSession Split(PaasdProcess controller, IEnumerable<PaasdProcess> others, int httpPort, int httpsPort)
    {
        var home = Directory.CreateTempSubdirectory("paas-e2e-home-").FullName;
        var session = new PlatformSession(controller, home) { HttpPort = httpPort, HttpsPort = httpsPort };
        session._others.AddRange(others);
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        await Paasd.DisposeAsync();
        foreach (var folder in _folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
        }
    }

    /// <summary>Copies examples/NAME (without node_modules, bin, obj) to a temp folder and commits it to a new git repository.</summary>
    public async Task<string> CheckOutExampleAsync(string name)
    {
        var repo = Directory.CreateTempSubdirectory($"paas-e2e-{name}-").FullName;
        _folders.Add(repo);
        Copy(new DirectoryInfo(Path.Combine(RepoPaths.Root, "examples", name)), repo);
        await GitOk(repo, "init", "-q", "-b", "master");
        await GitOk(repo, "add", "-A");
        await GitOk(repo, "commit", "-q", "-m", "init");
        return repo;
    }

    public Task<(int ExitCode, string Out, string Error)> Paas(string workingDirectory, params string[] args) =>
        ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, .. args], workingDirectory, Environment(), Cancel);

    public async Task<string> PaasOk(string workingDirectory, params string[] args)
    {
        var (code, output, error) = await Paas(workingDirectory, args);
        Assert.True(code == 0, $"`paas {string.Join(' ', args)}` exited {code}\nstdout: {output}\nstderr: {error}\npaasd log (tail):\n{Tail(Paasd.Log)}");
        return output;
    }

    public async Task<string> GitOk(string repo, params string[] args) => (await GitOk(repo, TimeSpan.FromSeconds(60), args)).Out;

    /// <summary>Runs git; returns stdout and stderr (git push streams the build on stderr).</summary>
    public async Task<(string Out, string Error)> GitOk(string repo, TimeSpan limit, params string[] args)
    {
        var (code, output, error) = await ChildProcess.RunAsync("git", args, repo, Environment(), Cancel, limit: limit);
        Assert.True(code == 0, $"`git {string.Join(' ', args)}` exited {code}\nstdout: {output}\nstderr: {error}\npaasd log (tail):\n{Tail(Paasd.Log)}");
        return (output, error);
    }

    public Dictionary<string, string?> Environment() => new()
    {
        ["HOME"] = Home,
        ["PAAS_URL"] = null,
        ["PAAS_TOKEN"] = null,
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_AUTHOR_NAME"] = "alice",
        ["GIT_AUTHOR_EMAIL"] = "alice@example.test",
        ["GIT_COMMITTER_NAME"] = "alice",
        ["GIT_COMMITTER_EMAIL"] = "alice@example.test",
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["TZ"] = "UTC",
    };

    /// <summary>An HttpClient for the router: every request goes to 127.0.0.1 on the router's port whatever its host.</summary>
    public HttpClient RouterClient(TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromSeconds(5),
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        return new HttpClient(handler) { Timeout = timeout };
    }

    /// <summary>GET http://HOST:HTTP_PORT/PATH through the router: the status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string host, string path = "/", bool https = false)
    {
        using var client = RouterClient(TimeSpan.FromSeconds(30));
        var uri = https ? new Uri($"https://{host}:{HttpsPort}{path}") : new Uri($"http://{host}:{HttpPort}{path}");
        using var response = await client.GetAsync(uri, Cancel);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    /// <summary>GETs until the answer is 200 and satisfies <paramref name="accept"/> (a deploy may take a moment to reach the router).</summary>
    public async Task<string> GetUntilAsync(string host, Func<string, bool> accept, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        var last = "no answer";
        while (true)
        {
            try
            {
                var (status, body) = await GetAsync(host);
                if (status == HttpStatusCode.OK && accept(body))
                {
                    return body;
                }

                last = $"{(int)status}: {body}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"GET http://{host}:{HttpPort}/ did not answer {what} (last answer: {last})\npaasd log (tail):\n{Tail(Paasd.Log)}");
            }

            await Task.Delay(250, Cancel);
        }
    }

    public static string Tail(string text, int lines = 60) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));

    private static void Copy(DirectoryInfo from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in from.GetFiles())
        {
            file.CopyTo(Path.Combine(to, file.Name));
        }

        foreach (var dir in from.GetDirectories().Where(d => d.Name is not ("node_modules" or "bin" or "obj" or ".git")))
        {
            Copy(dir, Path.Combine(to, dir.Name));
        }
    }
}
