namespace Paas.Cli.Hosting;

/// <summary>
/// Heroku-style progress lines: <c>Setting A and restarting hello... done, v4</c>. The label is printed
/// first; on failure the line ends with <c>!</c> and the error follows on stderr.
/// </summary>
internal static class Progress
{
    public static async Task<T> RunAsync<T>(CliContext context, string label, Func<Task<T>> step, Func<T, string> outcome)
    {
        context.Out.Write(label + "... ");
        context.Out.Flush();
        T result;
        try
        {
            result = await step();
        }
        catch
        {
            context.Out.WriteLine("!");
            throw;
        }

        context.Out.WriteLine(outcome(result));
        return result;
    }

    public static Task RunAsync(CliContext context, string label, Func<Task> step) =>
        RunAsync(context, label, async () =>
        {
            await step();
            return true;
        }, _ => "done");
}
