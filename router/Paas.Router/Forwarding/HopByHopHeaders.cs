using Microsoft.Extensions.Primitives;

namespace Paas.Router.Forwarding;

/// <summary>
/// Hop-by-hop headers (RFC 9110 section 7.6.1, RFC 2616 section 13.5.1): they describe one connection and are never
/// forwarded, in either direction. Headers named in <c>Connection</c> are hop-by-hop too.
/// </summary>
internal static class HopByHopHeaders
{
    public static bool IsHopByHop(string name) => name.Length switch
    {
        2 => name.Equals("TE", StringComparison.OrdinalIgnoreCase),
        7 => name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase),
        10 => name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase),
        16 => name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase),
        17 => name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase),
        18 => name.Equals("Proxy-Authenticate", StringComparison.OrdinalIgnoreCase),
        19 => name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>
    /// The extra header names listed in a <c>Connection</c> value besides <c>close</c>, <c>keep-alive</c> and
    /// <c>upgrade</c>, or null when there are none (the usual case, without allocating).
    /// </summary>
    public static List<string>? NamedInConnection(StringValues connection)
    {
        List<string>? names = null;
        foreach (var value in connection)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var range in value.AsSpan().Split(','))
            {
                var token = value.AsSpan()[range].Trim();
                if (token.Length == 0
                    || token.Equals("close", StringComparison.OrdinalIgnoreCase)
                    || token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                    || token.Equals("upgrade", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                (names ??= []).Add(token.ToString());
            }
        }

        return names;
    }

    public static bool Contains(List<string>? names, string name) =>
        names is not null && names.Exists(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
}
