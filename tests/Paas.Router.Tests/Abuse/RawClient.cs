using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Paas.Router.Tests.Abuse;

/// <summary>A client that writes exactly the bytes a test scripts to the router's plain-HTTP port and reads what comes back.</summary>
internal static class RawClient
{
    /// <summary>
    /// Sends <paramref name="request"/> (Latin-1) and reads until the router closes the connection, or until nothing came
    /// for <paramref name="quiet"/> (default 1.5 s) after at least one byte; 15 s at most.
    /// </summary>
    public static async Task<string> ExchangeAsync(int port, string request, TimeSpan? quiet = null)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await socket.SendAsync(Encoding.Latin1.GetBytes(request));
        return await ReadAsync(socket, quiet ?? TimeSpan.FromSeconds(1.5));
    }

    public static async Task<string> ReadAsync(Socket socket, TimeSpan quiet)
    {
        var text = new StringBuilder();
        var buffer = new byte[16 * 1024];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            using var wait = new CancellationTokenSource(text.Length == 0 ? deadline - DateTime.UtcNow : quiet);
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, wait.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>The status codes of the responses in <paramref name="answer"/>, in order.</summary>
    public static int[] Statuses(string answer) =>
        [.. answer.Split("HTTP/1.1 ").Skip(1).Where(part => part.Length >= 3 && char.IsAsciiDigit(part[0])).Select(part => int.Parse(part[..3], System.Globalization.CultureInfo.InvariantCulture))];
}
