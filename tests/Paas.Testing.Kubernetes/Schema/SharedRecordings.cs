namespace Paas.Testing.Kubernetes.Schema;

/// <summary>Finds the recordings folder <c>shared/kubernetes</c> by walking up from the test assembly (the repository checkout sits beside <c>shared/</c>).</summary>
public static class SharedRecordings
{
    /// <summary>The <c>shared/kubernetes</c> folder.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder above the assembly or the working directory.</exception>
    public static string Directory()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "kubernetes");
                if (System.IO.Directory.Exists(Path.Combine(candidate, "openapi")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"The Kubernetes recordings (shared/kubernetes with openapi/, exchanges/ and v1.28/) were not found in any folder above {AppContext.BaseDirectory}; " +
            "check out the shared folder beside the repository (CI: ../shared) or set FakeKubernetesOptions.OpenApiDirectory.");
    }

    /// <summary>The OpenAPI documents folder.</summary>
    public static string OpenApiDirectory() => Path.Combine(Directory(), "openapi");
}
