using Paas.Scheduling.Local;

namespace Paas.Testing;

/// <summary>
/// Free TCP ports on 127.0.0.1 for servers a test starts, by the platform's own rule (<c>FreePorts</c>, whose source is
/// compiled in here): below the kernel's ephemeral range, where no port forwarding of podman's can shadow the server.
/// Another program could take a port before use, which is rare.
/// </summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on right now.</summary>
    /// <returns>The port number.</returns>
    public static int Free() => FreePorts.Next();

    /// <summary>
    /// <paramref name="count"/> distinct ports nothing listens on right now, found by holding each listener until all are
    /// found (ports found one after the other can repeat).
    /// </summary>
    /// <param name="count">How many.</param>
    /// <returns>The port numbers.</returns>
    public static int[] FreeDistinct(int count) => FreePorts.Distinct(count);

    /// <summary>
    /// Starts a server on <paramref name="count"/> free ports, with new ports up to three times when another program took
    /// one between the choice and the bind (Kestrel's "address already in use"). <paramref name="start"/> cleans up what it
    /// made before it throws.
    /// </summary>
    /// <typeparam name="T">What <paramref name="start"/> gives back.</typeparam>
    /// <param name="count">How many ports.</param>
    /// <param name="start">Starts the server on the given ports.</param>
    /// <returns>What <paramref name="start"/> gave back.</returns>
    public static async Task<T> StartOnFreePortsAsync<T>(int count, Func<int[], Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(FreeDistinct(count));
            }
            catch (IOException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // another program took a port in between: other ports
            }
        }
    }
}
