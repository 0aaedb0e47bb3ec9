using System.Diagnostics;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>Runs podman with an argument list (never a shell string) and the configured runtime.</summary>
internal sealed class PodmanCli(PodmanFakeKubeletOptions options)
{
    public PodmanFakeKubeletOptions Options => options;

    /// <summary>The images this kubelet pulled, removed when it is disposed (a test's images would pile up on the machine).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> PulledImages { get; } = new(StringComparer.Ordinal);

    /// <summary>A start info for <c>podman --runtime R ARGS</c> with every stream redirected.</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(options.PodmanPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--runtime");
        psi.ArgumentList.Add(options.Runtime);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return psi;
    }

    /// <summary>Runs a podman command to its end; cancelling or the timeout kills it and throws.</summary>
    public async Task<PodmanResult> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = StartInfo(args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{options.PodmanPath} did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"podman {string.Join(' ', psi.ArgumentList)} took longer than {options.CommandTimeout}.");
        }

        return new PodmanResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a podman command and throws when it fails.</summary>
    public async Task<string> RunCheckedAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var list = args.ToList();
        var result = await RunAsync(list, cancellationToken);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"podman {string.Join(' ', list)} exited with {result.ExitCode}: {result.ErrorLine}");
    }

    internal static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
