using Xunit;

namespace Paas.Builder.Tests.Paths;

/// <summary>Work folders under TMPDIR whose data folder is gone are found (and removed at the next start), others never.</summary>
public sealed class WorkDirTests
{
    [Fact]
    public void Only_work_folders_whose_marked_data_folder_is_gone_are_orphans()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var gone = Path.Combine(Path.GetTempPath(), $"paas-work-test-gone-{id}");
        var alive = Path.Combine(Path.GetTempPath(), $"paas-work-test-alive-{id}");
        var unmarked = Path.Combine(Path.GetTempPath(), $"paas-work-test-unmarked-{id}");
        var dataDir = Directory.CreateTempSubdirectory("paas-data-").FullName;
        try
        {
            foreach (var folder in new[] { gone, alive, unmarked })
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllText(Path.Combine(gone, BuilderPaths.DataDirMarker), Path.Combine(dataDir, "removed"));
            File.WriteAllText(Path.Combine(alive, BuilderPaths.DataDirMarker), dataDir);

            var orphans = BuilderPaths.OrphanedWorkDirs().Where(o => o.Contains(id, StringComparison.Ordinal)).ToList();

            Assert.Equal([gone], orphans.Select(o => o.TrimEnd('/')));
        }
        finally
        {
            foreach (var folder in new[] { gone, alive, unmarked, dataDir })
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
