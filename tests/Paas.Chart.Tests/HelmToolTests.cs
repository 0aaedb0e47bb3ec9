using Paas.Chart.Tests.Helm;

namespace Paas.Chart.Tests;

/// <summary>Without helm the chart tests fail (they never skip), saying how to install it.</summary>
public sealed class HelmToolTests
{
    [Fact]
    public void A_missing_helm_fails_with_the_script_that_installs_it()
    {
        var empty = Directory.CreateTempSubdirectory("paas-no-helm-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["PATH"] = empty, ["HOME"] = empty };

            var error = Assert.Throws<InvalidOperationException>(() => HelmTool.Locate(environment.GetValueOrDefault, [empty]));

            Assert.Contains(HelmTool.InstallScript, error.Message, StringComparison.Ordinal);
            Assert.Contains("do not skip", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void The_helm_in_use_is_3_17() =>
        Assert.StartsWith("v3.17.", HelmTool.Instance.Run(null, "version", "--short").Succeeded(), StringComparison.Ordinal);
}
