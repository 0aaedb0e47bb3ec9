using System.Text.RegularExpressions;

namespace Paas.EndToEnd.Tests;

/// <summary>
/// The README's quick start, run as written (issue "The first hour", item 2): its <c>$</c> lines are extracted from the
/// README and run in one bash, in the checkout's root, against a fresh <c>paasd</c> and the real <c>paas</c>, git and curl.
/// Only the default ports (7000, 8080) are replaced by the test platform's. Every output line the README shows is
/// expected in the output, except those that vary from run to run (times, the Node version, which process answered).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ReadmeQuickStartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PlatformSession? _platform;

    public async ValueTask InitializeAsync() => _platform = await PlatformSession.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_quick_start_runs_as_written()
    {
        var platform = _platform!;
        var (commands, shown) = QuickStart(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"), TestContext.Current.CancellationToken));
        Assert.Contains(commands, c => c.StartsWith("git push paas master", StringComparison.Ordinal));

        var api = platform.Paasd.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var http = platform.Paasd.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Ported(string text) => text.Replace("localhost:7000", $"localhost:{api}", StringComparison.Ordinal).Replace("localhost:8080", $"localhost:{http}", StringComparison.Ordinal);

        var bin = Directory.CreateTempSubdirectory("paas-readme-bin-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(bin, "paas"), $"#!/bin/sh\nexec dotnet \"{RepoPaths.PaasDll}\" \"$@\"\n", TestContext.Current.CancellationToken);
            File.SetUnixFileMode(Path.Combine(bin, "paas"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var script = "set -euo pipefail\n" + string.Concat(commands.Select(c => $"printf '%s\\n' {Quote("$ " + Ported(c))}\n{Ported(c)}\n"));
            var environment = platform.Environment();
            environment["PATH"] = $"{bin}:{System.Environment.GetEnvironmentVariable("PATH")}";
            var (code, stdout, stderr) = await ChildProcess.RunAsync("bash", ["-c", script], RepoPaths.Root, environment, TestContext.Current.CancellationToken, limit: TimeSpan.FromMinutes(5));
            output.WriteLine(stdout + stderr);
            Assert.True(code == 0, $"the quick start failed (exit {code}):\n{stdout}\n{stderr}\npaasd log:\n{platform.Paasd.Log}");
            foreach (var line in shown.Select(Ported))
            {
                Assert.True(stdout.Contains(line, StringComparison.Ordinal), $"the README shows '{line}', the run printed:\n{stdout}");
            }

            Assert.Matches(@"Hello from web\.1 \(node v22\.", stdout);
            Assert.Matches(@"Hi from web\.[12] \(node v22\.", stdout);
            Assert.Matches(@"v4 +alice rolled back to v2", stdout);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
            var hello = Path.Combine(platform.Home, "hello");
            if (Directory.Exists(hello))
            {
                Directory.Delete(hello, recursive: true);
            }
        }
    }

    /// <summary>The first code block after <c>## Quick start</c>: its commands (<c>$</c> lines) and the output lines it shows that do not vary.</summary>
    private static (List<string> Commands, List<string> Shown) QuickStart(string readme)
    {
        var section = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        var start = section.IndexOf("```\n", StringComparison.Ordinal) + 4;
        var block = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (
            [.. lines.Where(l => l.StartsWith("$ ", StringComparison.Ordinal)).Select(l => l[2..])],
            [.. lines.Where(l => !l.StartsWith("$ ", StringComparison.Ordinal) && !Varies().IsMatch(l))]);
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Output that differs between runs: release lines (author, time), which process answered and its Node version.</summary>
    [GeneratedRegex(@"^v\d+ |\d{4}/\d\d/\d\d| from web\.\d")]
    private static partial Regex Varies();
}
