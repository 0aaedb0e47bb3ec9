using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;

namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>
/// A kubelet that runs nothing: it reports the statuses a real kubelet reports (ContainerCreating, Running, Ready; exits,
/// restarts with CrashLoopBackOff back-offs, ErrImagePull/ImagePullBackOff, OOMKilled, termination on delete), keeps an
/// in-memory log per run and lets tests attach. What each container does comes from a <see cref="ContainerScript"/> chosen
/// per image, per command or by a function (<see cref="Script(Func{FakePodSpec, ContainerScript?})"/>).
/// </summary>
public sealed class ScriptedFakeKubelet : IFakeKubelet
{
    private readonly ConcurrentDictionary<FakePodKey, ScriptedPod> _pods = new();
    private readonly List<Func<FakePodSpec, ContainerScript?>> _choosers = [];
    private int _nextIp = 1;

    /// <summary>Creates a kubelet.</summary>
    public ScriptedFakeKubelet(ScriptedKubeletOptions? options = null)
    {
        Options = options ?? new ScriptedKubeletOptions();
    }

    /// <summary>The timings.</summary>
    public ScriptedKubeletOptions Options { get; }

    /// <summary>The pods it runs now.</summary>
    public IReadOnlyCollection<FakePodKey> Pods => [.. _pods.Keys];

    /// <summary>Scripts every container whose image equals <paramref name="image"/>.</summary>
    public void ScriptImage(string image, ContainerScript script) => Script(p => p.Image == image ? script : null);

    /// <summary>Scripts every container whose command and args, joined with spaces, contain <paramref name="text"/>.</summary>
    public void ScriptCommand(string text, ContainerScript script) =>
        Script(p => string.Join(' ', (p.Command ?? []).Concat(p.Args ?? [])).Contains(text, StringComparison.Ordinal) ? script : null);

    /// <summary>Adds a chooser; later choosers win; null means "not mine".</summary>
    public void Script(Func<FakePodSpec, ContainerScript?> chooser)
    {
        lock (_choosers)
        {
            _choosers.Add(chooser);
        }
    }

    /// <summary>Appends a line to the running container's log (as if the process printed it).</summary>
    public void WriteLog(FakePodKey pod, string line)
    {
        if (_pods.TryGetValue(pod, out var p))
        {
            p.CurrentLog.Append(line);
        }
    }

    /// <inheritdoc/>
    public Task StartPodAsync(FakePodSpec pod, IFakeKubeletHost host, CancellationToken cancellationToken)
    {
        ContainerScript script;
        lock (_choosers)
        {
            script = Enumerable.Reverse(_choosers).Select(c => c(pod)).FirstOrDefault(s => s is not null) ?? new ContainerScript();
        }

        var ip = Options.PodNetwork + (Interlocked.Increment(ref _nextIp) % 250 + 1);
        var scripted = new ScriptedPod(pod, script, host, ip, this);
        if (!_pods.TryAdd(pod.Key, scripted))
        {
            return Task.CompletedTask;
        }

        scripted.Run = Task.Run(() => scripted.LifecycleAsync(scripted.Stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopPodAsync(FakePodKey pod, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (!_pods.TryGetValue(pod, out var p))
        {
            return;
        }

        await p.StopAsync(gracePeriod, cancellationToken).ConfigureAwait(false);
        _pods.TryRemove(pod, out _);
    }

    /// <inheritdoc/>
    public Task WriteLogAsync(FakePodKey pod, FakeLogOptions options, Stream output, CancellationToken cancellationToken)
    {
        if (!_pods.TryGetValue(pod, out var p))
        {
            throw new FakeKubeletException($"container in pod \"{pod.Name}\" is not known to the kubelet");
        }

        ContainerLog? log;
        lock (p.Sync)
        {
            if (options.Previous)
            {
                log = p.PreviousLog ?? throw new FakeKubeletException($"previous terminated container \"{p.Spec.Container}\" in pod \"{pod.Name}\" not found");
            }
            else
            {
                if (!p.EverStarted)
                {
                    throw new FakeKubeletException($"container \"{p.Spec.Container}\" in pod \"{pod.Name}\" is waiting to start: {p.WaitingReason}");
                }

                log = p.CurrentLog;
            }
        }

        return log.WriteAsync(options, output, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<FakeAttachment> AttachAsync(FakePodKey pod, FakeAttachOptions options, CancellationToken cancellationToken)
    {
        if (!_pods.TryGetValue(pod, out var p) || !p.IsRunning)
        {
            throw new FakeKubeletException($"cannot attach to a container that is not running: pod \"{pod.Name}\"");
        }

        var stdin = new Pipe();
        var stdout = new Pipe();
        var stderr = new Pipe();
        var cts = CancellationTokenSource.CreateLinkedTokenSource(p.Stop.Token);
        var tty = options.Tty || p.Spec.Tty;
        var handler = tty && p.Script.Terminal is { } terminal
            ? (reader, writer, ct) => terminal(new ScriptedTerminal(p, reader, writer), ct)
            : p.Script.Attach ?? EchoAsync;
        _ = Task.Run(async () =>
        {
            int? exit = null;
            try
            {
                using var reader = new StreamReader(stdin.Reader.AsStream(), Encoding.UTF8);
                await using var writer = new StreamWriter(new TeeStream(stdout.Writer.AsStream(), p), new UTF8Encoding(false)) { AutoFlush = true };
                exit = await handler(reader, writer, cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }
            finally
            {
                await stdout.Writer.CompleteAsync().ConfigureAwait(false);
                await stderr.Writer.CompleteAsync().ConfigureAwait(false);
            }

            if (exit is { } code)
            {
                p.ProcessExited(code);
            }
        }, CancellationToken.None);

        return Task.FromResult(new FakeAttachment(
            options.Stdin ? stdin.Writer.AsStream() : null,
            options.Stdout ? stdout.Reader.AsStream() : null,
            options.Stderr && !tty ? stderr.Reader.AsStream() : null,
            () =>
            {
                // Detaching leaves the process (the script) running, as on a node: it ends with the pod or by itself.
                return ValueTask.CompletedTask;
            },
            tty ? Resize : null));

        ValueTask Resize(FakeTerminalSize size)
        {
            p.Resize(size);
            return ValueTask.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var p in _pods.Values)
        {
            await p.Stop.CancelAsync().ConfigureAwait(false);
        }

        _pods.Clear();
    }

    /// <summary>A fake image digest for a reference.</summary>
    internal static string ImageId(string image)
    {
        var repo = image.Contains('@', StringComparison.Ordinal) ? image[..image.IndexOf('@', StringComparison.Ordinal)] : image;
        var lastSlash = repo.LastIndexOf('/');
        var colon = repo.LastIndexOf(':');
        if (colon > lastSlash)
        {
            repo = repo[..colon];
        }

        return $"{repo}@sha256:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(image))).ToLowerInvariant()}";
    }

    private static async Task<int?> EchoAsync(TextReader input, TextWriter output, CancellationToken ct)
    {
        while (await input.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            await output.WriteLineAsync(line.AsMemory(), ct).ConfigureAwait(false);
        }

        return null;
    }
}
