namespace Paas.Testing;

/// <summary>Where the built <c>paas</c> and <c>paasd</c> live, found from this test assembly's folder.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding Platform.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of this test run (Debug or Release), read from bin/CONFIG/TFM/.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string PaasDll => Built("cli/Paas.Cli", "paas.dll");

    public static string PaasdDll => Built("src/Paas.Server", "paasd.dll");

    private static string Built(string project, string file)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing; build the test project first (it builds {project} through a ProjectReference).", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Platform.sln above {AppContext.BaseDirectory}");
    }
}
