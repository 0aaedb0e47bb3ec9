namespace Paas.Router.Routing;

/// <summary>
/// Host name lookup shared by app routes and certificates: exact names first, then one-level wildcards
/// (<c>*.example.com</c> matches <c>a.example.com</c> only). Case-insensitive, no allocation per lookup.
/// Built once per route table and never mutated afterwards.
/// </summary>
internal sealed class HostMap<T>
    where T : class
{
    private readonly Dictionary<string, T> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, T> _wildcard = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;

    public HostMap()
    {
        _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardLookup = _wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of names (exact and wildcard).</summary>
    public int Count => _exact.Count + _wildcard.Count;

    /// <summary>Adds a name unless it is already taken (first one wins); returns false if taken or malformed.</summary>
    public bool TryAdd(string name, T value)
    {
        var host = Normalize(name);
        if (host.Length == 0)
        {
            return false;
        }

        if (host.StartsWith("*.", StringComparison.Ordinal))
        {
            var suffix = host[2..];
            return suffix.Length > 0 && !suffix.Contains('*', StringComparison.Ordinal) && _wildcard.TryAdd(suffix, value);
        }

        return !host.Contains('*', StringComparison.Ordinal) && _exact.TryAdd(host, value);
    }

    /// <summary>Finds the value for a host name (no port), or null.</summary>
    public T? Match(ReadOnlySpan<char> host)
    {
        if (host.EndsWith('.'))
        {
            host = host[..^1];
        }

        if (_exactLookup.TryGetValue(host, out var value))
        {
            return value;
        }

        var dot = host.IndexOf('.');
        if (dot > 0 && _wildcard.Count > 0 && _wildcardLookup.TryGetValue(host[(dot + 1)..], out value))
        {
            return value;
        }

        return null;
    }

    /// <summary>
    /// The host part of a <c>Host</c> header value (<c>app.example.com:8080</c> -> <c>app.example.com</c>,
    /// <c>[::1]:80</c> -> <c>[::1]</c>) without allocating.
    /// </summary>
    public static ReadOnlySpan<char> HostWithoutPort(ReadOnlySpan<char> hostHeader)
    {
        if (hostHeader.Length > 0 && hostHeader[0] == '[')
        {
            var close = hostHeader.IndexOf(']');
            return close < 0 ? hostHeader : hostHeader[..(close + 1)];
        }

        var colon = hostHeader.LastIndexOf(':');
        return colon < 0 ? hostHeader : hostHeader[..colon];
    }

    private static string Normalize(string name) => name.Trim().TrimEnd('.');
}
