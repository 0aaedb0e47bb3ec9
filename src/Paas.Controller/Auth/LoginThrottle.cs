using System.Collections.Concurrent;
using System.Net;

namespace Paas.Controller;

/// <summary>
/// Slows password guessing on <c>POST /v2/auth/login</c>, for the platform's own accounts and directory (LDAP/AD) sign-ins
/// alike, per account and per client address (OWASP Authentication Cheat Sheet, "Login Throttling"). After
/// <see cref="FreeAccountFailures"/> failures of one account, or <see cref="FreeAddressFailures"/> from one address, within
/// <see cref="Window"/>, each further failure locks that key for an exponentially growing time (1 s, 2 s, 4 s... up to
/// <see cref="MaxLockout"/>); a sign-in while locked is refused with 429 and <c>Retry-After</c> before the password is
/// even checked, so the right password does not get through a lockout either. A success clears the account's count.
/// Lockouts are answered at once, never by holding the connection (which would let guessers tie up the server).
/// In-process: with several controller replicas each keeps its own counts.
/// </summary>
internal sealed class LoginThrottle(TimeProvider time)
{
    /// <summary>Failures of one account allowed within <see cref="Window"/> before lockouts start: 5.</summary>
    public const int FreeAccountFailures = 5;

    /// <summary>Failures from one client address (any accounts) allowed within <see cref="Window"/>: 20, for people behind one NAT.</summary>
    public const int FreeAddressFailures = 20;

    /// <summary>How long a failure counts: 15 minutes after the last one.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>The longest lockout: 15 minutes.</summary>
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How long the caller must wait before trying <paramref name="username"/> from <paramref name="address"/>; zero when it may try now.</summary>
    /// <param name="username">The login as typed (compared case-insensitively).</param>
    /// <param name="address">The client's address, or null when unknown.</param>
    /// <returns>The time left.</returns>
    public TimeSpan RetryAfter(string username, IPAddress? address)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in Keys(username, address))
        {
            if (_entries.TryGetValue(key, out var entry) && entry.LockedUntil > now && entry.LockedUntil - now > wait)
            {
                wait = entry.LockedUntil - now;
            }
        }

        return wait;
    }

    /// <summary>Counts a failed sign-in.</summary>
    /// <param name="username">The login as typed.</param>
    /// <param name="address">The client's address, or null.</param>
    public void Failed(string username, IPAddress? address)
    {
        var now = time.GetUtcNow();
        foreach (var key in Keys(username, address))
        {
            var free = key.StartsWith("a:", StringComparison.Ordinal) ? FreeAccountFailures : FreeAddressFailures;
            _entries.AddOrUpdate(key, _ => new Entry(1, now, DateTimeOffset.MinValue), (_, old) =>
            {
                var failures = now - old.LastFailure > Window ? 1 : old.Failures + 1;
                var lockedUntil = failures <= free ? DateTimeOffset.MinValue
                    : now + TimeSpan.FromSeconds(Math.Min(MaxLockout.TotalSeconds, Math.Pow(2, Math.Min(failures - free - 1, 20))));
                return new Entry(failures, now, lockedUntil);
            });
        }

        if (_entries.Count > 100_000)
        {
            foreach (var (key, entry) in _entries)
            {
                if (now - entry.LastFailure > Window)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Clears the account's failures after a successful sign-in (the address's stay: one success does not vouch for other accounts).</summary>
    /// <param name="username">The login as typed.</param>
    public void Succeeded(string username) => _entries.TryRemove("a:" + username.Trim().ToLowerInvariant(), out _);

    private static IEnumerable<string> Keys(string username, IPAddress? address)
    {
        yield return "a:" + username.Trim().ToLowerInvariant();
        if (address is not null)
        {
            yield return "ip:" + (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        }
    }

    private sealed record Entry(int Failures, DateTimeOffset LastFailure, DateTimeOffset LockedUntil);
}
