using System.Net.Sockets;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// One probe attempt against the pod IP, as the kubelet makes it: a TCP connect, or an HTTP GET that passes with
/// 200-399. Returns null on success, otherwise the kubelet's failure message (used in <c>Unhealthy</c> Events).
/// </summary>
internal static class ProbeCheck
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static async Task<string?> RunAsync(FakeProbe probe, string podIp, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds)));
        if (probe.TcpPort is { } tcpPort)
        {
            return await TcpAsync(podIp, tcpPort, timeout.Token, cancellationToken);
        }

        if (probe.HttpPort is { } httpPort)
        {
            return await HttpAsync($"http://{podIp}:{httpPort}{probe.HttpPath ?? "/"}", podIp, httpPort, timeout.Token, cancellationToken);
        }

        return null;
    }

    private static async Task<string?> TcpAsync(string ip, int port, CancellationToken timeout, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(ip, port, timeout);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"dial tcp {ip}:{port}: i/o timeout";
        }
        catch (SocketException ex)
        {
            return $"dial tcp {ip}:{port}: {Describe(ex)}";
        }
    }

    private static async Task<string?> HttpAsync(string url, string ip, int port, CancellationToken timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 400 ? null : $"HTTP probe failed with statuscode: {code}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is SocketException socket ? Describe(socket) : ex.Message;
            return $"Get \"{url}\": dial tcp {ip}:{port}: {reason}";
        }
    }

    private static string Describe(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connect: connection refused",
        SocketError.ConnectionReset => "read: connection reset by peer",
        _ => ex.Message,
    };
}
