using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests.Stack;

/// <summary>
/// The real tools the stack tests use (podman, skopeo) and the stack itself. Outside CI a missing tool or stack skips the
/// test with the reason; in CI (CI=true) it fails, as scripts/test.sh builds the stack and installs the tools.
/// </summary>
public static class Tools
{
    /// <summary>The variable scripts/test.sh sets to the OCI layout stack/build.sh printed.</summary>
    public const string StackVariable = ExternalTool.StackVariable;

    /// <summary>podman's flags that work on these machines (shared/docs/environment.md).</summary>
    public static readonly string[] RunFlags = ["--runtime", "runc", "run", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

    public static string? Find(string name) => ExternalTool.Find(name);

    public static void RequireOrSkip(string name) => ExternalTool.RequireOrSkip(name);

    /// <summary>The stack's OCI layout, or skips (fails in CI) when it is not built.</summary>
    public static string StackOrSkip() => ExternalTool.StackOrSkip("the image tests");

    /// <summary>Runs a tool; returns its exit code, standard output and standard error.</summary>
    public static Task<(int Code, string Output, string Error)> RunAsync(string tool, TimeSpan timeout, params string[] args) => ExternalTool.RunRawAsync(tool, timeout, args);

    /// <summary>Runs a tool that must succeed; returns its standard output.</summary>
    public static async Task<string> CheckAsync(string tool, TimeSpan timeout, params string[] args)
    {
        var (code, output, error) = await RunAsync(tool, timeout, args);
        Assert.True(code == 0, $"{tool} {string.Join(' ', args)} exited with {code}:\n{output}\n{error}");
        return output;
    }

    /// <summary>A free TCP port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void SkipOrFail(string reason) => ExternalTool.SkipOrFail(reason);
}
