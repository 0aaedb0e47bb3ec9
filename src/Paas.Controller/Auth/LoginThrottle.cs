using System.Net;
using Paas.Data;

namespace Paas.Controller;

/// <summary>
/// Slows password guessing on <c>POST /v2/auth/login</c>, for the platform's own accounts and directory (LDAP/AD) sign-ins
/// alike, per account and per client address (OWASP Authentication Cheat Sheet, "Login Throttling"). After
/// <see cref="FreeAccountFailures"/> failures of one account, or <see cref="FreeAddressFailures"/> from one address, within
/// <see cref="Window"/>, each further failure locks that key for an exponentially growing time (1 s, 2 s, 4 s... up to
/// <see cref="MaxLockout"/>); a sign-in while locked is refused with 429 and <c>Retry-After</c> before the password is
/// even checked, so the right password does not get through a lockout either. A success clears the account's count.
/// Lockouts are answered at once, never by holding the connection (which would let guessers tie up the server).
/// The counts are in the database (<see cref="LoginFailureStore"/>), so every controller replica sees the same ones.
/// </summary>
internal sealed class LoginThrottle(LoginFailureStore store, TimeProvider time)
{
    /// <summary>Failures of one account allowed within <see cref="Window"/> before lockouts start: 5.</summary>
    public const int FreeAccountFailures = 5;

    /// <summary>Failures from one client address (any accounts) allowed within <see cref="Window"/>: 20, for people behind one NAT.</summary>
    public const int FreeAddressFailures = 20;

    /// <summary>How long a failure counts: 15 minutes after the last one.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>The longest lockout: 15 minutes.</summary>
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    /// <summary>How long the caller must wait before trying <paramref name="username"/> from <paramref name="address"/>; zero when it may try now.</summary>
    /// <param name="username">The login as typed (compared case-insensitively).</param>
    /// <param name="address">The client's address, or null when unknown.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The time left.</returns>
    /// <exception cref="System.Data.Common.DbException">The database cannot be reached.</exception>
    public async Task<TimeSpan> RetryAfterAsync(string username, IPAddress? address, CancellationToken cancellationToken)
    {
        var lockedUntil = await store.LockedUntilAsync(AccountKey(username), AddressKey(address), cancellationToken).ConfigureAwait(false);
        var left = lockedUntil - time.GetUtcNow().ToUnixTimeMilliseconds();
        return left > 0 ? TimeSpan.FromMilliseconds(left) : TimeSpan.Zero;
    }

    /// <summary>Counts a failed sign-in, and locks each key past its free failures (1 s, 2 s, 4 s... up to <see cref="MaxLockout"/>).</summary>
    /// <param name="username">The login as typed.</param>
    /// <param name="address">The client's address, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task FailedAsync(string username, IPAddress? address, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (key, free) in new[] { (AccountKey(username), FreeAccountFailures), (AddressKey(address), FreeAddressFailures) })
        {
            if (key is null)
            {
                continue; // no address known
            }

            var failures = await store.CountFailureAsync(key, now, (long)Window.TotalMilliseconds, cancellationToken).ConfigureAwait(false);
            if (failures > free)
            {
                var lockout = TimeSpan.FromSeconds(Math.Min(MaxLockout.TotalSeconds, Math.Pow(2, Math.Min(failures - free - 1, 20))));
                await store.LockAsync(key, now + (long)lockout.TotalMilliseconds, cancellationToken).ConfigureAwait(false);
            }
        }

        if (Random.Shared.Next(128) == 0)
        {
            await store.PruneAsync(now - (long)Window.TotalMilliseconds, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Clears the account's failures after a successful sign-in (the address's stay: one success does not vouch for other accounts).</summary>
    /// <param name="username">The login as typed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task SucceededAsync(string username, CancellationToken cancellationToken) => store.ClearAsync(AccountKey(username), cancellationToken);

    /// <summary>An account's key: <c>a:LOGIN</c>, the login trimmed and lower-cased.</summary>
    private static string AccountKey(string username) => "a:" + username.Trim().ToLowerInvariant();

    /// <summary>A client address's key, <c>ip:ADDRESS</c> (an IPv4-mapped IPv6 address as IPv4), or null when the address is unknown.</summary>
    private static string? AddressKey(IPAddress? address) =>
        address is null ? null : "ip:" + (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
