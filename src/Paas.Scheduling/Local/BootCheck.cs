using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Paas.Scheduling.Local;

/// <summary>
/// When a web process counts as up (the rule the local runtime and podman share): it accepts TCP connections on its port
/// on loopback and, when the release has an <see cref="HttpCheck"/> for it, answers the check's path with a status below
/// 400, within the boot timeout. The loop:
/// 1. stop with the process's exit reason when it exited;
/// 2. connect to 127.0.0.1:PORT (500 ms per attempt); without a check, a connection is enough;
/// 3. with a check, once per interval: GET the path (the check's timeout per request);
/// 4. give up after the boot timeout, else wait 50 ms and go back to 1.
/// </summary>
internal static class BootCheck
{
    private static readonly HttpClient HealthClient = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

    /// <summary>Waits until the process is up.</summary>
    /// <param name="name">The process name, for the failure (<c>web.1</c>).</param>
    /// <param name="port">The port on 127.0.0.1 that reaches the process.</param>
    /// <param name="processPort">The process's own <c>PORT</c>, for the failure (the same as <paramref name="port"/> but for a container's published port).</param>
    /// <param name="check">The HTTP check, or null.</param>
    /// <param name="timeout">The boot timeout.</param>
    /// <param name="exited">Why the process ended (<c>web.1 exited with status 3 before it listened on PORT 5000</c>), or null while it runs.</param>
    /// <param name="stopping">Cancelled when the process is being stopped.</param>
    /// <returns>Null once up; else why not, in one line.</returns>
    public static async Task<string?> WaitUntilUpAsync(string name, int port, int processPort, HttpCheck? check, TimeSpan timeout, Func<string?> exited, CancellationToken stopping)
    {
        var deadline = Stopwatch.StartNew();
        var nextCheck = TimeSpan.Zero;
        while (!stopping.IsCancellationRequested)
        {
            if (exited() is { } reason)
            {
                return reason;
            }

            using (var client = new TcpClient(AddressFamily.InterNetwork))
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                attempt.CancelAfter(TimeSpan.FromMilliseconds(500));
                try
                {
                    await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), attempt.Token).ConfigureAwait(false);
                    if (check is null)
                    {
                        return null;
                    }

                    if (deadline.Elapsed >= nextCheck)
                    {
                        nextCheck = deadline.Elapsed + check.Interval;
                        if (await HealthyAsync(port, check, stopping).ConfigureAwait(false))
                        {
                            return null;
                        }
                    }
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    // not listening yet
                }
            }

            if (deadline.Elapsed >= timeout)
            {
                return check is not null
                    ? $"{name} did not answer its health check {check.Path} on PORT {processPort} within {timeout.TotalSeconds:0.#} s"
                    : $"{name} did not listen on PORT {processPort} within {timeout.TotalSeconds:0.#} s";
            }

            try
            {
                await Task.Delay(50, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return $"{name} was stopped before it came up";
    }

    private static async Task<bool> HealthyAsync(int port, HttpCheck check, CancellationToken stopping)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        attempt.CancelAfter(check.Timeout);
        try
        {
            using var response = await HealthClient.GetAsync($"http://127.0.0.1:{port}{check.Path}", attempt.Token).ConfigureAwait(false);
            return (int)response.StatusCode < 400;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }
}
