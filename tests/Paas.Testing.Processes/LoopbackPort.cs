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
}
