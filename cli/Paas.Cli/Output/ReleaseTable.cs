using Paas.Cli.Parsing;
using Paas.Client;

namespace Paas.Cli.Output;

/// <summary>
/// The <c>paas releases</c> table, newest first:
/// <code>
/// v3  alice added GREETING   alice  2026/11/21 08:40:12 (~ 1m ago)
/// v2  alice deployed 1a2b3c4 (failed)  alice  ...
/// </code>
/// Failed and pending releases are marked after their summary.
/// </summary>
internal static class ReleaseTable
{
    public static string Format(IEnumerable<ReleaseInfo> releases, DateTimeOffset now) =>
        TextTable.Format(releases.Select(r => (IReadOnlyList<string>)
        [
            ReleaseVersion.Format(r.Version),
            Summary(r),
            r.Owner,
            TimeText.Format(r.CreatedAt, now),
        ]).ToList());

    public static string Summary(ReleaseInfo release) => release.Status switch
    {
        ReleaseStatus.Failed => release.Summary + " (failed)",
        ReleaseStatus.Pending => release.Summary + " (pending)",
        _ => release.Summary,
    };
}
