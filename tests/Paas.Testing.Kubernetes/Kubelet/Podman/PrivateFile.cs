namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>Files only their owner can read (mode 0600 from creation), for credentials and environment values handed to podman.</summary>
internal static class PrivateFile
{
    /// <summary>Writes <paramref name="content"/> to a new file in the temp folder and returns its path.</summary>
    public static string Create(string prefix, byte[] content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
        return path;
    }
}
