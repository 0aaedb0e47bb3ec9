namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// Hands out pod IPs from 127.77.0.0/16 (loopback: tests may only talk to 127.0.0.0/8), distinct across every kubelet of
/// the process. The walk starts at a random address so that two test processes rarely pick the same one.
/// </summary>
internal static class PodAddressAllocator
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> InUse = [];
    private static int _next = Random.Shared.Next(0, 0x10000);

    public static string Allocate()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 0x10000; attempt++)
            {
                var n = _next++ & 0xFFFF;
                var (x, y) = (n >> 8, n & 0xFF);
                var address = $"127.77.{x}.{y}";
                if (y is 0 or 255 || !InUse.Add(address))
                {
                    continue;
                }

                return address;
            }

            throw new InvalidOperationException("All pod addresses in 127.77.0.0/16 are in use.");
        }
    }

    public static void Release(string address)
    {
        lock (Gate)
        {
            InUse.Remove(address);
        }
    }
}
