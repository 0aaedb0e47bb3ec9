using Paas.Chart.Tests.Helm;
using Paas.Chart.Tests.Rendering;

namespace Paas.Chart.Tests;

/// <summary><c>helm lint --strict</c> (warnings are failures) with the default values and with every case.</summary>
public sealed class LintTests
{
    [Fact]
    public void The_chart_lints_strictly_with_its_default_values_and_a_domain()
    {
        var output = HelmTool.Instance.Run(null, "lint", ChartCase.ChartDirectory, "--strict", "--set", "domain=example.com").Succeeded();

        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[WARNING]", output, StringComparison.Ordinal);
    }

    /// <summary>helm lint renders in lint mode, where <c>required</c> only reports: the default values lint, the domain is named.</summary>
    [Fact]
    public void The_chart_lints_strictly_with_its_default_values_and_reports_the_missing_domain()
    {
        var result = HelmTool.Instance.Run(null, "lint", ChartCase.ChartDirectory, "--strict");

        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", result.Succeeded(), StringComparison.Ordinal);
        Assert.Contains("Missing required value: domain is required", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ChartCase.All), MemberType = typeof(ChartCase))]
    public void Every_case_lints_strictly(string name)
    {
        var output = HelmTool.Instance.Run(null, "lint", ChartCase.ChartDirectory, "--strict", "--namespace", ChartCase.Namespace, "--values", ChartCase.ValuesFile(name)).Succeeded();

        Assert.Contains("0 chart(s) failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[WARNING]", output, StringComparison.Ordinal);
    }
}
