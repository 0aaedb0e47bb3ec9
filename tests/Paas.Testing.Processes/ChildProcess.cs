using System.Diagnostics;

namespace Paas.Testing;

/// <summary>Runs a program to completion (within a time limit, 60 s by default) and captures its exit code and output; <c>stdin</c> is written to its standard input.</summary>
public static class ChildProcess
{
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(
        string fileName,
        IEnumerable<string> args,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        CancellationToken cancellationToken,
        string stdin = "",
        TimeSpan? limit = null)
    {
        var timeLimit = limit ?? TimeSpan.FromSeconds(60);
        using var process = Process.Start(StartInfo(fileName, args, workingDirectory, environment))!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timeLimit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeLimit.TotalSeconds:0} s"
                + $"\nstdout so far: {await Tail(output)}\nstderr so far: {await Tail(error)}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>The last 4,000 characters a killed process wrote to one stream (its pipe closes with the kill; 5 s at most).</summary>
    private static async Task<string> Tail(Task<string> stream)
    {
        try
        {
            var text = await stream.WaitAsync(TimeSpan.FromSeconds(5));
            return text.Length > 4000 ? "..." + text[^4000..] : text;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or IOException)
        {
            return "(unreadable: " + e.Message + ")";
        }
    }

    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return start;
    }
}
