using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Paas.Registry.Auth;

/// <summary>
/// Remembers successes of the platform's checks for <see cref="RegistryOptions.AuthCacheLifetime"/> (default
/// 5 seconds), so the many requests of one pull or push with HTTP Basic credentials (every layer's <c>HEAD</c>
/// and <c>GET</c>) do not each cost a user lookup by API token and a permission lookup in the platform's database:
/// <list type="bullet">
/// <item>Basic credentials that were valid, keyed by a SHA-256 of the <c>Authorization</c> parameter (the secret
/// itself is not kept);</item>
/// <item>(principal, repository, action) triples the <see cref="IRegistryAccessPolicy"/> allowed.</item>
/// </list>
/// Refusals are never remembered, so a new grant or token works at once. A revoked API token, a deactivated user or
/// a removed permission is refused again at most one lifetime after the change (bearer tokens already carry their
/// grants for <see cref="RegistryOptions.TokenLifetime"/>, and the token endpoint never reads this cache).
/// A lifetime of zero turns the cache off.
/// </summary>
internal sealed class RegistryAuthCache
{
    /// <summary>Entries kept before expired ones are swept on the next insertion.</summary>
    internal const int SweepThreshold = 4096;

    private readonly ConcurrentDictionary<string, (RegistryPrincipal Principal, long Expires)> _credentials = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Principal, string Repository, RegistryAction Action), long> _allowed = new();
    private readonly TimeProvider _time;
    private readonly long _lifetimeTicks;
    private long _nextSweep;

    public RegistryAuthCache(IOptions<RegistryOptions> options, TimeProvider time)
    {
        _time = time;
        _lifetimeTicks = options.Value.AuthCacheLifetime.Ticks;
    }

    public bool Enabled => _lifetimeTicks > 0;

    public int Count => _credentials.Count + _allowed.Count;

    /// <summary>The principal of Basic credentials that were valid less than a lifetime ago, else null.</summary>
    public RegistryPrincipal? FindPrincipal(string basicParameter)
    {
        if (!Enabled || !_credentials.TryGetValue(Key(basicParameter), out var entry))
        {
            return null;
        }

        return entry.Expires > Now ? entry.Principal : null;
    }

    public void RememberPrincipal(string basicParameter, RegistryPrincipal principal)
    {
        if (Enabled)
        {
            Sweep();
            _credentials[Key(basicParameter)] = (principal, Now + _lifetimeTicks);
        }
    }

    /// <summary>Whether the policy allowed this access less than a lifetime ago.</summary>
    public bool IsAllowed(RegistryPrincipal principal, string repository, RegistryAction action) =>
        Enabled && _allowed.TryGetValue((principal.Name, repository, action), out var expires) && expires > Now;

    public void RememberAllowed(RegistryPrincipal principal, string repository, RegistryAction action)
    {
        if (Enabled)
        {
            Sweep();
            _allowed[(principal.Name, repository, action)] = Now + _lifetimeTicks;
        }
    }

    private long Now => _time.GetUtcNow().UtcTicks;

    private static string Key(string basicParameter) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(basicParameter)));

    /// <summary>
    /// Bounds memory: once the cache holds <see cref="SweepThreshold"/> entries, drops the expired ones, at most once
    /// per lifetime, so what stays is what was allowed within about two lifetimes.
    /// </summary>
    private void Sweep()
    {
        var now = Now;
        var next = Interlocked.Read(ref _nextSweep);
        if (Count < SweepThreshold || now < next || Interlocked.CompareExchange(ref _nextSweep, now + _lifetimeTicks, next) != next)
        {
            return;
        }

        foreach (var (key, entry) in _credentials)
        {
            if (entry.Expires <= now)
            {
                _credentials.TryRemove(key, out _);
            }
        }

        foreach (var (key, expires) in _allowed)
        {
            if (expires <= now)
            {
                _allowed.TryRemove(key, out _);
            }
        }
    }
}
