using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Data;
using Paas.Domain;
using Paas.Ldap;

namespace Paas.Controller;

/// <summary>
/// Directory users on the platform: signs them in through <see cref="IUserDirectory"/> (making their account at first
/// sign-in when <see cref="LdapOptions.AllowUnknownUsers"/>), and keeps their account and teams in step with the
/// directory: read at sign-in, again on a token's use once <see cref="LdapOptions.RefreshInterval"/> has passed (and by
/// <see cref="DirectorySyncService"/> in the background). A user the directory no longer returns (deleted, moved,
/// disabled, expired, locked out, password to change, out of the required group) is disabled here at once; while the directory cannot be reached, the last read stands for
/// <see cref="LdapOptions.OutageGrace"/>, then requests answer 503.
/// </summary>
public sealed partial class DirectoryAccounts
{
    private readonly IUserDirectory _directory;
    private readonly UserStore _users;
    private readonly IOptionsMonitor<LdapOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DirectoryAccounts> _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<User?>>> _refreshing = new(StringComparer.Ordinal);

    /// <summary>Creates the service.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="users">The user store.</param>
    /// <param name="options">The directory settings.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Logs refreshes that failed and accounts disabled.</param>
    public DirectoryAccounts(IUserDirectory directory, UserStore users, IOptionsMonitor<LdapOptions> options, TimeProvider time, ILogger<DirectoryAccounts> logger)
    {
        _directory = directory;
        _users = users;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether a directory is configured.</summary>
    public bool Enabled => _directory.Enabled;

    /// <summary>Signs a person in with directory credentials and records the account and its teams.</summary>
    /// <param name="login">What the person typed as username.</param>
    /// <param name="password">The password.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The platform user.</returns>
    /// <exception cref="UnauthorizedLoginException">Unknown to the directory or wrong password (the same answer for both).</exception>
    /// <exception cref="DomainException">The directory account cannot be a platform user, or may not sign in (the service account, outside the required group, expired...) (403), with the reason.</exception>
    /// <exception cref="DirectoryUnavailableException">The directory cannot be reached or does not fit the configuration (503).</exception>
    internal async Task<User> SignInAsync(string login, string password, CancellationToken cancellationToken)
    {
        var result = await _directory.SignInAsync(login, password, cancellationToken).ConfigureAwait(false);
        if (result is { Outcome: DirectorySignInOutcome.NotPermitted })
        {
            LogSignInRefused(_logger, login, result.Outcome, result.Reason ?? "");
            throw Problems.Forbidden($"your directory account may not sign in: {result.Reason}");
        }

        if (result is not { Outcome: DirectorySignInOutcome.Success, Account: { } account })
        {
            LogSignInRefused(_logger, login, result.Outcome, result.Reason ?? "");
            throw new UnauthorizedLoginException();
        }

        if (Username.Validate(account.Username) is { } invalid)
        {
            throw Problems.Forbidden($"your directory account's {_options.CurrentValue.EffectiveUsernameAttribute} cannot be a platform username ({invalid}): ask an admin to map another attribute (Paas:Ldap:UsernameAttribute)");
        }

        var user = await _users.FindAsync(account.Username, cancellationToken).ConfigureAwait(false);
        if (user is { Source: UserSource.Local })
        {
            throw Problems.Forbidden($"'{account.Username}' is a local platform account, not a directory one: sign in with its platform password, or ask an admin to remove it so the directory account can take the name");
        }

        if (user is null)
        {
            if (!_options.CurrentValue.AllowUnknownUsers)
            {
                throw Problems.Forbidden($"{account.Username} is not a user of this platform yet: ask an admin to run 'paas users:add {account.Username}'");
            }

            user = await _users.CreateDirectoryUserAsync(account.Username, cancellationToken).ConfigureAwait(false)
                ?? await _users.FindAsync(account.Username, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"user {account.Username} was neither created nor found");
        }

        return await RecordAsync(user, account, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds a directory group by name (to share an app with it before any member signed in).</summary>
    /// <param name="name">The normalised team name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group, or null.</returns>
    /// <exception cref="DirectoryUnavailableException">The directory cannot be reached (503).</exception>
    public Task<DirectoryGroup?> FindGroupAsync(string name, CancellationToken cancellationToken) =>
        _directory.FindGroupAsync(name, cancellationToken);

    /// <summary>
    /// Reads a directory user's account and groups again when the last read is older than
    /// <see cref="LdapOptions.RefreshInterval"/>; local users and fresh reads are returned as they are. Concurrent calls
    /// for one user share one directory read.
    /// </summary>
    /// <param name="user">The user a token belongs to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user as now recorded, or null when the directory no longer has the account (it is disabled here).</returns>
    /// <exception cref="DirectoryUnavailableException">The directory has been unreachable for longer than <see cref="LdapOptions.OutageGrace"/>.</exception>
    public async Task<User?> RefreshIfDueAsync(User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var options = _options.CurrentValue;
        if (user.Source != UserSource.Directory || user.DirectoryDn is null || !_directory.Enabled)
        {
            return user;
        }

        if (user.SyncedAt is { } synced && _time.GetUtcNow() - synced < options.RefreshInterval)
        {
            return user;
        }

        var shared = _refreshing.GetOrAdd(user.Id, _ => new Lazy<Task<User?>>(() => RefreshAsync(user, CancellationToken.None)));
        try
        {
            return await shared.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshing.TryRemove(new KeyValuePair<string, Lazy<Task<User?>>>(user.Id, shared));
        }
    }

    private async Task<User?> RefreshAsync(User user, CancellationToken cancellationToken)
    {
        DirectoryAccount? account;
        try
        {
            account = await _directory.RefreshAsync(user.DirectoryDn!, cancellationToken).ConfigureAwait(false);
        }
        catch (DirectoryUnavailableException e)
        {
            var options = _options.CurrentValue;
            var age = _time.GetUtcNow() - (user.SyncedAt ?? user.CreatedAt);
            if (age <= options.RefreshInterval + options.OutageGrace)
            {
                LogRefreshFailedKept(_logger, user.Username, e.Message);
                return user;
            }

            throw;
        }

        if (account is null)
        {
            LogAccountGone(_logger, user.Username, user.DirectoryDn!);
            await _users.DeactivateAsync(user.Id, cancellationToken).ConfigureAwait(false);
            return null;
        }

        return await RecordAsync(user, account, cancellationToken).ConfigureAwait(false);
    }

    private async Task<User> RecordAsync(User user, DirectoryAccount account, CancellationToken cancellationToken)
    {
        var teams = new List<(string Name, string Dn)>();
        foreach (var group in account.Groups)
        {
            var name = TeamName.Normalize(group.Name);
            if (TeamName.Validate(name) is null)
            {
                teams.Add((name, group.Dn));
            }
            else
            {
                LogGroupSkipped(_logger, group.Dn);
            }
        }

        var state = new DirectoryState(account.Dn, account.Email, account.DisplayName, account.IsAdmin, teams, _time.GetUtcNow());
        return await _users.SyncDirectoryAccountAsync(user.Id, state, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Directory sign-in of {Login} refused: {Outcome} {Reason}")]
    private static partial void LogSignInRefused(ILogger logger, string login, DirectorySignInOutcome outcome, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Could not refresh {Username} from the directory; keeping the last known teams: {Reason}")]
    private static partial void LogRefreshFailedKept(ILogger logger, string username, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Directory account of {Username} ({Dn}) is gone or may no longer sign in: the user is disabled on the platform")]
    private static partial void LogAccountGone(ILogger logger, string username, string dn);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Directory group {Dn} is not a team: its name does not fit the team name rule")]
    private static partial void LogGroupSkipped(ILogger logger, string dn);
}
