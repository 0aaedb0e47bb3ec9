namespace Paas.Domain;

/// <summary>
/// The rules of the release ledger (Heroku's release semantics). Releases are append-only and numbered per
/// app from v1 without gaps; every build, config change and rollback appends one; nothing is deleted.
/// The app's <em>current</em> release is its newest succeeded one; the <em>base</em> of a new release (the
/// build and config it starts from) is the newest one that has not failed, so a change made while another
/// deploys builds on it instead of losing it.
/// </summary>
public static class ReleaseLedger
{
    /// <summary>The version the next release of an app takes.</summary>
    /// <param name="latest">The newest version so far, or null for an app with no release.</param>
    /// <returns><paramref name="latest"/> + 1, or 1.</returns>
    public static int NextVersion(int? latest) => (latest ?? 0) + 1;

    /// <summary>Picks the app's current release from its history.</summary>
    /// <param name="releases">Releases of one app, in any order.</param>
    /// <returns>The newest succeeded release, or null.</returns>
    public static Release? Current(IEnumerable<Release> releases) =>
        releases.Where(r => r.State == ReleaseState.Succeeded).MaxBy(r => r.Version);

    /// <summary>
    /// Chooses the release a rollback restores. With no <paramref name="requested"/> version it is the newest
    /// succeeded release older than the current one ("the one before the current").
    /// </summary>
    /// <param name="app">The app's name, for messages.</param>
    /// <param name="current">The current release.</param>
    /// <param name="requested">The version asked for, or null.</param>
    /// <param name="find">Looks a version of this app up; null when it does not exist.</param>
    /// <param name="previousSucceeded">Finds the newest succeeded release older than a version; null when none.</param>
    /// <returns>The release whose build and config the rollback restores.</returns>
    /// <exception cref="DomainException">
    /// <see cref="DomainErrorKind.NotFound"/> for a version that does not exist;
    /// <see cref="DomainErrorKind.Invalid"/> for a release without a build, a failed release, the current release,
    /// or nothing to roll back to.
    /// </exception>
    public static Release ChooseRollbackTarget(
        string app,
        Release current,
        int? requested,
        Func<int, Release?> find,
        Func<int, Release?> previousSucceeded)
    {
        Release target;
        if (requested is null)
        {
            target = previousSucceeded(current.Version)
                ?? throw new DomainException(DomainErrorKind.Invalid, $"{app} has no release before v{current.Version} to roll back to");
        }
        else
        {
            if (requested < 1)
            {
                throw new DomainException(DomainErrorKind.Invalid, $"v{requested} is not a release version: versions start at v1");
            }

            target = find(requested.Value)
                ?? throw new DomainException(DomainErrorKind.NotFound, $"{app} has no release v{requested}: run 'paas releases' to list them");
        }

        if (target.Version == current.Version)
        {
            throw new DomainException(DomainErrorKind.Invalid, $"v{target.Version} is already {app}'s current release");
        }

        if (target.State == ReleaseState.Failed)
        {
            throw new DomainException(DomainErrorKind.Invalid, $"v{target.Version} failed to deploy ({target.FailureReason}); roll back to a release that succeeded");
        }

        if (target.Build is null)
        {
            throw new DomainException(DomainErrorKind.Invalid, $"v{target.Version} has no build, so there is no code to roll back to; pick a release made after the first deploy");
        }

        return target;
    }
}
