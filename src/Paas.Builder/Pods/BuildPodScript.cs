namespace Paas.Builder;

/// <summary>The build pod's script (<c>Pods/build-pod.sh</c>, embedded in the assembly), run by the build image as <c>sh -c</c>.</summary>
internal static class BuildPodScript
{
    /// <summary>The script's text.</summary>
    public static string Text { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(BuildPodScript).Assembly.GetManifestResourceStream("Paas.Builder.Pods.build-pod.sh")
            ?? throw new InvalidOperationException("the build pod's script is not embedded in Paas.Builder");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
