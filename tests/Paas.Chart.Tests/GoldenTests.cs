using Paas.Chart.Tests.Rendering;
using Paas.Testing;

namespace Paas.Chart.Tests;

/// <summary>
/// Golden files of the manifests the chart renders for each case (<c>Golden/NAME.yaml</c>: helm's output with the
/// generated secrets replaced by placeholders). Set <c>PAAS_UPDATE_GOLDEN=1</c> to rewrite them after an intended change,
/// then review the diff.
/// </summary>
public sealed class GoldenTests
{
    [Theory]
    [MemberData(nameof(ChartCase.All), MemberType = typeof(ChartCase))]
    public void Rendered_manifests_match_their_golden_file(string name)
    {
        var actual = GoldenText.Normalize(Rendered.Case(name).Text);
        var path = Path.Combine(RepoPaths.Root, "tests", "Paas.Chart.Tests", "Golden", name + ".yaml");
        if (Environment.GetEnvironmentVariable("PAAS_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run with PAAS_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void Every_golden_file_has_its_case() =>
        Assert.Equal(
            ChartCase.Names,
            Directory.GetFiles(Path.Combine(ChartCase.TestDirectory, "Golden"), "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal));
}
