using System.Text;

namespace Paas.Builder;

/// <summary>
/// Writes the build's output the Heroku way (<c>-----&gt; step</c>, seven-space indented details, <c> !     </c> errors) to
/// the hook's callback response, flushing every line so the pusher sees it as it happens.
/// </summary>
internal sealed class BuildOutput(Stream stream)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>A step: <c>-----&gt; text</c>.</summary>
    public Task StepAsync(string text) => LineAsync("-----> " + text);

    /// <summary>A detail of the current step, indented.</summary>
    public Task DetailAsync(string text) => LineAsync("       " + text);

    /// <summary>An error: <c> !     text</c>.</summary>
    public Task ErrorAsync(string text) => LineAsync(" !     " + text);

    /// <summary>A raw line (buildpack output, already formatted by the buildpack).</summary>
    public async Task LineAsync(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line.Replace("\r", "", StringComparison.Ordinal) + "\n");
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(bytes).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // the hook went away; the build still finishes (or is stopped by its timeout)
        }
        catch (ObjectDisposedException)
        {
            // idem
        }
        finally
        {
            _lock.Release();
        }
    }
}
