namespace Paas.Scheduling.Podman;

/// <summary>A temporary file only the platform's user can read (mode 0600), for what podman must read from a file and never see on its command line (auth file, env-file).</summary>
internal static class PrivateFile
{
    /// <summary>Writes <paramref name="content"/> to a new file under the temporary folder; the caller deletes it once podman has read it.</summary>
    /// <param name="prefix">The file name's start (<c>paas-podman-auth</c>).</param>
    /// <param name="content">The bytes.</param>
    /// <returns>The file's path.</returns>
    public static string Write(string prefix, ReadOnlySpan<byte> content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(content);
        return path;
    }
}
