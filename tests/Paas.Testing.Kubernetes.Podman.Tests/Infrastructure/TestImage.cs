namespace Paas.Testing.Kubernetes.Podman.Tests.Infrastructure;

/// <summary>
/// The tests' image, <c>localhost/paas-kubelet-test:1</c>: built here with buildah from scratch and Debian's static busybox
/// (package busybox-static: no image registry is reachable). <c>/bin</c> holds busybox and a link per applet, PATH is
/// <c>/bin</c>, <c>/www/index.html</c> says <c>hello</c> for httpd. Built once per machine (kept between runs).
/// </summary>
public static class TestImage
{
    public const string Name = "localhost/paas-kubelet-test:1";
    private const string Busybox = "/bin/busybox";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _ready;

    /// <summary>Skips (or fails in CI) without podman, buildah or static busybox; builds the image when missing.</summary>
    public static async Task RequireAsync()
    {
        ExternalTool.RequireOrSkip("podman", "podman");
        ExternalTool.RequireOrSkip("buildah", "buildah");
        if (!File.Exists(Busybox) || !IsStatic(Busybox))
        {
            ExternalTool.SkipOrFail($"{Busybox} is missing or not statically linked (apt-get install busybox-static).");
        }

        await Gate.WaitAsync();
        try
        {
            if (!_ready && !await ExistsAsync())
            {
                await BuildAsync();
            }

            _ready = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<bool> ExistsAsync()
    {
        try
        {
            await ExternalTool.RunAsync("podman", TimeSpan.FromSeconds(30), "image", "exists", Name);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task BuildAsync()
    {
        var rootfs = Directory.CreateTempSubdirectory("paas-kubelet-image-");
        try
        {
            var bin = Directory.CreateDirectory(Path.Combine(rootfs.FullName, "bin"));
            File.Copy(Busybox, Path.Combine(bin.FullName, "busybox"));
            var applets = await ExternalTool.RunAsync(Busybox, TimeSpan.FromSeconds(10), "--list");
            foreach (var applet in applets.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(a => a != "busybox"))
            {
                File.CreateSymbolicLink(Path.Combine(bin.FullName, applet), "busybox");
            }

            Directory.CreateDirectory(Path.Combine(rootfs.FullName, "tmp"));
            Directory.CreateDirectory(Path.Combine(rootfs.FullName, "www"));
            await File.WriteAllTextAsync(Path.Combine(rootfs.FullName, "www", "index.html"), "hello\n");
            var timeout = TimeSpan.FromMinutes(2);
            var container = (await ExternalTool.RunAsync("buildah", timeout, "from", "scratch")).Trim();
            try
            {
                await ExternalTool.RunAsync("buildah", timeout, "copy", container, rootfs.FullName + "/", "/");
                await ExternalTool.RunAsync("buildah", timeout, "config", "--env", "PATH=/bin", "--cmd", "[\"sh\"]", container);
                await ExternalTool.RunAsync("buildah", timeout, "commit", "--quiet", container, Name);
            }
            finally
            {
                await ExternalTool.RunAsync("buildah", timeout, "rm", container);
            }
        }
        finally
        {
            rootfs.Delete(recursive: true);
        }
    }

    /// <summary>A static ELF has no PT_INTERP program header; busybox-static is one (the dynamic busybox package is not).</summary>
    private static bool IsStatic(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var interpreter = "/lib64/ld-linux"u8;
        return bytes.AsSpan(0, Math.Min(bytes.Length, 4096)).IndexOf(interpreter) < 0;
    }
}
