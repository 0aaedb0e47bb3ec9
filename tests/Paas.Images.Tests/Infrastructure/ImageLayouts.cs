namespace Paas.Images.Tests.Infrastructure;

/// <summary>
/// The OCI layouts <c>images/build.sh</c> writes, found through the variables <c>scripts/test.sh</c> exports. Unlike the
/// tools a test needs, a missing image is a failure, not a skip: the images are what these tests are about.
/// </summary>
public static class ImageLayouts
{
    /// <summary>The variable holding paas/paasd's layout.</summary>
    public const string Paasd = "PAAS_TEST_PAASD_IMAGE";

    /// <summary>The variable holding paas/build's layout.</summary>
    public const string Build = "PAAS_TEST_BUILD_IMAGE";

    /// <summary>The variable holding paas/postgresql's layout.</summary>
    public const string Postgresql = "PAAS_TEST_POSTGRESQL_IMAGE";

    /// <summary>The layout named by <paramref name="variable"/>, or fails the test saying how to make it.</summary>
    /// <param name="variable">One of the constants above.</param>
    /// <param name="name">The image's name for images/build.sh --only (paasd, build, postgresql).</param>
    /// <returns>The layout's folder.</returns>
    public static string Require(string variable, string name)
    {
        var layout = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(layout) || !File.Exists(Path.Combine(layout, "index.json")))
        {
            Assert.Fail(
                $"no paas/{name} image: {variable} must name the OCI layout that images/build.sh writes ({(string.IsNullOrEmpty(layout) ? "it is not set" : $"'{layout}' holds no index.json")}). " +
                $"scripts/test.sh builds the images and sets it; by hand: images/build.sh --only {name}, then export {variable}=<the layout path it prints>.");
        }

        return layout!;
    }
}
