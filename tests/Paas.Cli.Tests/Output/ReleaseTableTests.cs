using Paas.Cli.Output;
using Paas.Client;

namespace Paas.Cli.Tests.Output;

public sealed class ReleaseTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 41, 12, TimeSpan.Zero);

    [Fact]
    public void Prints_aligned_columns_newest_first_and_marks_failed_and_pending_releases()
    {
        ReleaseInfo[] releases =
        [
            Release(12, "alice deployed 9f8e7d6", ReleaseStatus.Pending, 10),
            Release(11, "alice deployed 1a2b3c4", ReleaseStatus.Failed, 60),
            Release(3, "alice added GREETING", ReleaseStatus.Succeeded, 3600),
        ];

        var lines = ReleaseTable.Format(releases, Now).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("v12  alice deployed 9f8e7d6 (pending)  alice  ", lines[0]);
        Assert.StartsWith("v11  alice deployed 1a2b3c4 (failed)   alice  ", lines[1]);
        Assert.StartsWith("v3   alice added GREETING              alice  ", lines[2]);
        Assert.EndsWith("(~ 1h ago)", lines[2]);
        Assert.Equal(lines[0].IndexOf("alice  ", 5, StringComparison.Ordinal), lines[2].IndexOf("alice  ", 5, StringComparison.Ordinal));
    }

    private static ReleaseInfo Release(int version, string summary, ReleaseStatus status, int secondsAgo) =>
        new("hello", version, null, null, summary, "alice", status, status == ReleaseStatus.Failed ? "crashed" : null, false, Now.AddSeconds(-secondsAgo));
}
