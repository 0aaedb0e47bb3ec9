using System.Diagnostics;
using System.Net;
using System.Text;

namespace Paas.Testing;

/// <summary>
/// The real platform executable (<c>paasd.dll</c>) as a child process on free loopback ports with its own
/// data folder, ready once <c>GET /readyz</c> answers 200. Disposing kills it and deletes the folder.
/// </summary>
public sealed class PaasdProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly List<int> _orphans = [];
    private int _disposed;

    private PaasdProcess(Process process, string dataDirectory, Uri url, int httpPort, int httpsPort)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Url = url;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
    }

    public Uri Url { get; }

    /// <summary>The router's HTTP port (PAAS_HTTP_PORT).</summary>
    public int HttpPort { get; }

    /// <summary>The router's HTTPS port (PAAS_HTTPS_PORT).</summary>
    public int HttpsPort { get; }

    public string DataDirectory { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static Task<PaasdProcess> StartAsync(CancellationToken cancellationToken) => StartAsync(null, cancellationToken);

    /// <summary>Starts paasd with free loopback ports and a temporary data folder; <paramref name="environment"/> adds or overrides variables.</summary>
    public static Task<PaasdProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        // CreateTempSubdirectory makes the folder 0700, like ~/.local/share/paas under /root: as root, paasd must still build
        // (its buildpacks run as an unprivileged user in a work folder that user can enter).
        var ports = LoopbackPort.FreeDistinct(4);
        var (apiPort, httpPort, httpsPort, registryPort) = (ports[0], ports[1], ports[2], ports[3]);
        var all = new Dictionary<string, string>
        {
            ["PAAS_API_PORT"] = Port(apiPort),
            ["PAAS_REGISTRY_PORT"] = Port(registryPort),
            ["PAAS_HTTP_PORT"] = Port(httpPort),
            ["PAAS_HTTPS_PORT"] = Port(httpsPort),
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            all[name] = value;
        }

        return LaunchAsync("paasd-data-", all, new Uri($"http://127.0.0.1:{apiPort}/readyz"), httpPort, httpsPort, cancellationToken);
    }

    /// <summary>
    /// Starts paasd with exactly <paramref name="environment"/> added to a temporary data folder (<c>PAAS_DATA_DIR</c>):
    /// for one role of a split platform (<c>PAAS_ROLE</c>, its ports and its peers' URLs are the caller's), ready once
    /// <paramref name="readyUrl"/> (a <c>/readyz</c>) answers 200. <see cref="Url"/> is <paramref name="readyUrl"/>'s base.
    /// </summary>
    public static Task<PaasdProcess> StartRoleAsync(IReadOnlyDictionary<string, string> environment, Uri readyUrl, CancellationToken cancellationToken) =>
        LaunchAsync("paasd-role-", environment, readyUrl, 0, 0, cancellationToken);

    private static async Task<PaasdProcess> LaunchAsync(string folderPrefix, IReadOnlyDictionary<string, string> environment, Uri readyUrl, int httpPort, int httpsPort, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = data,
        };
        start.ArgumentList.Add(RepoPaths.PaasdDll);
        start.Environment["PAAS_DATA_DIR"] = data;
        start.Environment["PAAS_DATABASE"] = "";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var paasd = new PaasdProcess(Process.Start(start)!, data, new Uri(readyUrl.GetLeftPart(UriPartial.Authority)), httpPort, httpsPort);
        paasd._process.OutputDataReceived += (_, e) => paasd.Append(e.Data);
        paasd._process.ErrorDataReceived += (_, e) => paasd.Append(e.Data);
        paasd._process.BeginOutputReadLine();
        paasd._process.BeginErrorReadLine();
        await paasd.WaitUntilHealthyAsync(cancellationToken);
        return paasd;
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Kills the process (as a crash would), keeping its data folder; <see cref="DisposeAsync"/> still cleans up. Without
    /// <paramref name="entireProcessTree"/>, what it started in sessions of their own (apps of the local runtime) lives on.
    /// </summary>
    public async Task KillAsync(bool entireProcessTree = true)
    {
        if (!_process.HasExited)
        {
            if (!entireProcessTree)
            {
                _orphans.AddRange(Descendants(_process.Id)); // killed at dispose, so nothing outlives the test
            }

            _process.Kill(entireProcessTree);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        foreach (var pid in _orphans)
        {
            try
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying child: the temp folder is cleaned by the OS.
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"paasd exited with code {_process.ExitCode} before it was healthy:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Url, "/readyz"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "time-out";
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"paasd at {Url} did not answer GET /readyz with 200 within 60 s (last: {last}):\n{Log}");
    }

    /// <summary>Every process below <paramref name="root"/> (from <c>/proc/PID/stat</c>'s parent field).</summary>
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // exited meanwhile
            }
        }

        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                found.Add(child);
                queue.Enqueue(child);
            }
        }

        return found;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
