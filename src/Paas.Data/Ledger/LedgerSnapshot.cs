using Paas.Domain;

namespace Paas.Data;

/// <summary>
/// An app's ledger as seen inside the write transaction that appends to it: nobody else can append
/// until the transaction ends, so decisions made from it hold.
/// </summary>
public sealed class LedgerSnapshot
{
    private readonly Func<int, Release?> _find;
    private readonly Func<int, Release?> _previousSucceeded;

    internal LedgerSnapshot(int latestVersion, Release? @base, Release? current, Func<int, Release?> find, Func<int, Release?> previousSucceeded)
    {
        LatestVersion = latestVersion;
        Base = @base;
        Current = current;
        _find = find;
        _previousSucceeded = previousSucceeded;
    }

    /// <summary>The newest version recorded (0 for none).</summary>
    public int LatestVersion { get; }

    /// <summary>The newest release that has not failed: the build and config a change builds on.</summary>
    public Release? Base { get; }

    /// <summary>The newest succeeded release: what serves now.</summary>
    public Release? Current { get; }

    /// <summary>Looks a version up.</summary>
    /// <param name="version">The version.</param>
    /// <returns>The release, or null.</returns>
    public Release? Find(int version) => _find(version);

    /// <summary>Finds the newest succeeded release older than <paramref name="version"/>.</summary>
    /// <param name="version">The version to look below.</param>
    /// <returns>The release, or null.</returns>
    public Release? PreviousSucceeded(int version) => _previousSucceeded(version);
}
