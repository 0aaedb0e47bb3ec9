namespace Paas.Router.Balancing;

/// <summary>
/// Power-of-two-choices over least outstanding requests: two distinct endpoints drawn at random, the one with
/// fewer requests in flight wins. Endpoints out of rotation, or already tried for this request, are skipped;
/// when every untried endpoint is out of rotation, the least recently tried one is probed anyway so that an app
/// whose processes all restarted recovers without waiting for the retry delay.
/// </summary>
internal static class EndpointSelector
{
    /// <summary>Picks an endpoint, or null when every endpoint has been tried (<paramref name="tried"/> bit i = endpoint i).</summary>
    public static EndpointState? Select(EndpointState[] endpoints, ulong tried)
    {
        var count = endpoints.Length;
        if (count == 0)
        {
            return null;
        }

        var now = Environment.TickCount64;
        if (count == 1)
        {
            return tried == 0 ? endpoints[0] : null;
        }

        if (tried == 0)
        {
            var i = Random.Shared.Next(count);
            var j = Random.Shared.Next(count - 1);
            if (j >= i)
            {
                j++;
            }

            var a = endpoints[i];
            var b = endpoints[j];
            var aUp = !a.IsDown(now);
            var bUp = !b.IsDown(now);
            if (aUp && bUp)
            {
                return a.Outstanding <= b.Outstanding ? a : b;
            }

            if (aUp != bUp && count == 2)
            {
                return aUp ? a : b;
            }
        }

        return LeastOutstanding(endpoints, tried, now);
    }

    private static EndpointState? LeastOutstanding(EndpointState[] endpoints, ulong tried, long now)
    {
        EndpointState? best = null;
        EndpointState? fallback = null;
        for (var i = 0; i < endpoints.Length; i++)
        {
            if (i < 64 && (tried & (1UL << i)) != 0)
            {
                continue;
            }

            var candidate = endpoints[i];
            if (candidate.IsDown(now))
            {
                fallback ??= candidate;
                continue;
            }

            if (best is null || candidate.Outstanding < best.Outstanding)
            {
                best = candidate;
            }
        }

        return best ?? fallback;
    }

    /// <summary>The bit for <paramref name="endpoint"/> in a tried mask (0 past the 64th endpoint).</summary>
    public static ulong Bit(EndpointState[] endpoints, EndpointState endpoint)
    {
        var index = Array.IndexOf(endpoints, endpoint);
        return index is >= 0 and < 64 ? 1UL << index : 0;
    }
}
