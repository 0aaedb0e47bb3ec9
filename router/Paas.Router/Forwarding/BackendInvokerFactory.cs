using System.Net.Sockets;

namespace Paas.Router.Forwarding;

/// <summary>
/// The one <see cref="HttpMessageInvoker"/> to every backend: pooled keep-alive connections, no proxy, cookies,
/// redirects, decompression or trace headers, and a connect callback that applies each app's connect timeout
/// (a per-app override travels in the request options).
/// </summary>
internal static class BackendInvokerFactory
{
    public static HttpMessageInvoker Create(TimeSpan defaultConnectTimeout, TimeSpan poolIdleTimeout) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = poolIdleTimeout,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context, defaultConnectTimeout, cancellationToken),
        }, disposeHandler: true);

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, TimeSpan defaultTimeout, CancellationToken cancellationToken)
    {
        context.InitialRequestMessage.Options.TryGetValue(ForwardState.Key, out var state);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(state?.ConnectTimeout ?? defaultTimeout);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"No connection to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} within the connect timeout.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new NetworkStream(socket, ownsSocket: true);
    }
}
