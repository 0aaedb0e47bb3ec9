using Paas.Testing;

namespace Paas.Chart.Tests.Rendering;

/// <summary>
/// A documented way to install the chart: the values file <c>Cases/NAME.yaml</c>, rendered as the release <c>paas</c> in
/// the namespace <c>paas-system</c>. Together the cases set every value of values.yaml (checked by
/// <c>ValuesDocumentationTests</c>); each one's rendered manifests are in <c>Golden/NAME.yaml</c>.
/// </summary>
internal static class ChartCase
{
    public const string Release = "paas";

    public const string Namespace = "paas-system";

    /// <summary>charts/paas.</summary>
    public static string ChartDirectory => Path.Combine(RepoPaths.Root, "charts", "paas");

    /// <summary>tests/Paas.Chart.Tests.</summary>
    public static string TestDirectory => Path.Combine(RepoPaths.Root, "tests", "Paas.Chart.Tests");

    /// <summary>Every case, by name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Directory.GetFiles(Path.Combine(TestDirectory, "Cases"), "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    /// <summary>The cases, for theories.</summary>
    public static TheoryData<string> All => [.. Names];

    /// <summary>The values file of a case.</summary>
    public static string ValuesFile(string name) => Path.Combine(TestDirectory, "Cases", name + ".yaml");
}
