using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;
using Paas.Testing.Kubernetes.Kubelet;

namespace Paas.Testing.Kubernetes.Streaming;

/// <summary>
/// <c>pods/log</c> (text/plain, chunked, delegating to <see cref="IFakeKubelet.WriteLogAsync"/>) and <c>pods/exec</c>,
/// <c>pods/attach</c> over WebSocket with the recorded <c>v4.channel.k8s.io</c> framing; none of them carries the API
/// Priority and Fairness headers.
/// </summary>
/// <param name="server">The server.</param>
public sealed class StreamEndpoints(FakeKubernetesApiServer server)
{
    private static readonly string[] Supported = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

    /// <summary>Serves <c>GET pods/NAME/log</c>.</summary>
    public async Task ServeLogAsync(HttpContext ctx, ApiPath p)
    {
        var q = ctx.Request.Query;
        var (key, container) = Resolve(p, q["container"].ToString());
        long? Number(string name) => long.TryParse(q[name].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        DateTimeOffset? since = DateTimeOffset.TryParse(q["sinceTime"].ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
            : Number("sinceSeconds") is { } s ? DateTimeOffset.UtcNow.AddSeconds(-s) : null;
        var options = new FakeLogOptions(q["follow"].ToString() == "true", q["timestamps"].ToString() == "true", (int?)Number("tailLines"), q["previous"].ToString() == "true", Number("limitBytes"), since);
        lock (server.State.Store.Sync)
        {
            var pod = server.State.Store.Get(ApiResources.Pods, key.Namespace, key.Name)!;
            if (pod["status"]?["containerStatuses"] is null)
            {
                throw Statuses.BadRequest($"container \"{container}\" in pod \"{key.Name}\" is waiting to start: ContainerCreating");
            }
        }

        var body = new LazyResponseStream(ctx);
        try
        {
            // The kubelet refuses at once (400) or starts streaming; a real API server then sends 200 and its headers at once,
            // before the container prints anything (a silent container's `logs -f` connects and waits).
            var writing = server.Kubelet.WriteLogAsync(key, options, body, ctx.RequestAborted);
            if (await Task.WhenAny(writing, Task.Delay(TimeSpan.FromMilliseconds(200), ctx.RequestAborted)).ConfigureAwait(false) != writing)
            {
                await body.StartAsync().ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            }

            await writing.ConfigureAwait(false);
        }
        catch (FakeKubeletException e)
        {
            if (!body.Started)
            {
                throw Statuses.BadRequest(e.Message);
            }
        }
        catch (OperationCanceledException)
        {
        }

        await body.StartAsync().ConfigureAwait(false);
    }

    /// <summary>Serves exec and attach.</summary>
    public async Task ServeChannelAsync(HttpContext ctx, ApiPath p)
    {
        var q = ctx.Request.Query;
        var (key, container) = Resolve(p, q["container"].ToString());
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            throw Statuses.BadRequest("Upgrade request required");
        }

        var offered = ctx.WebSockets.WebSocketRequestedProtocols;
        var protocol = Supported.FirstOrDefault(offered.Contains);
        if (offered.Count > 0 && protocol is null)
        {
            ctx.Response.StatusCode = 403;
            ctx.Response.Headers.Connection = "close";
            return;
        }

        bool Flag(string name) => q[name].ToString() is "true" or "1" or "t" or "T" or "TRUE" or "True"; // Go's strconv.ParseBool
        if (p.Subresource == "exec")
        {
            await ExecAsync(ctx, key, container, protocol, [.. q["command"].Select(c => c ?? string.Empty)], Flag("stdin")).ConfigureAwait(false);
            return;
        }

        // The kubelet's remotecommand server: with a TTY, stderr is bypassed (one stream); the first, empty message goes to
        // the lowest channel it writes (stdout, else stderr, else the status channel); at the end of an attach it writes a
        // Success Status (it does not know the exit code), as JSON only for v4 (older protocols write nothing on success).
        var tty = Flag("tty");
        var options = new FakeAttachOptions(Flag("stdin"), Flag("stdout"), Flag("stderr") && !tty, tty);
        FakeAttachment attachment;
        try
        {
            attachment = await server.Kubelet.AttachAsync(key, options, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (FakeKubeletException e)
        {
            throw Statuses.BadRequest(e.Message);
        }

        using var socket = await ctx.WebSockets.AcceptWebSocketAsync(protocol).ConfigureAwait(false);
        var channels = new ChannelSocket(socket);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, server.Stopping);
        await channels.SendAsync(options.Stdout ? (byte)1 : options.Stderr ? (byte)2 : (byte)3, ReadOnlyMemory<byte>.Empty, cts.Token).ConfigureAwait(false);
        var receive = channels.ReceiveAsync(attachment.Stdin, cts.Token, tty ? attachment.Resize : null);
        var output = Task.WhenAll(
            attachment.Stdout is null ? Task.CompletedTask : channels.PumpAsync(attachment.Stdout, 1, cts.Token),
            attachment.Stderr is null ? Task.CompletedTask : channels.PumpAsync(attachment.Stderr, 2, cts.Token));
        // An attach for standard input alone (stdout=0, stderr=0) lasts until the client closes it, as on a real server.
        var first = attachment.Stdout is null && attachment.Stderr is null ? await Task.WhenAny(receive).ConfigureAwait(false) : await Task.WhenAny(receive, output).ConfigureAwait(false);
        if (first == output && protocol is "v4.channel.k8s.io")
        {
            await channels.SendAsync(3, "{\"metadata\":{},\"status\":\"Success\"}", cts.Token).ConfigureAwait(false);
        }

        await attachment.Detach().ConfigureAwait(false);
        if (attachment.Stdin is not null)
        {
            await attachment.Stdin.DisposeAsync().ConfigureAwait(false);
        }

        // Close 1000, then let the client answer before the request ends: ending it at once (cancelling the read) aborts the
        // connection, and Kestrel drops output it has not written to the socket yet (the last frames and the close).
        await channels.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAny(receive, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        await receive.ConfigureAwait(false);
    }

    private async Task ExecAsync(HttpContext ctx, FakePodKey key, string container, string? protocol, List<string> command, bool stdin)
    {
        if (server.Options.Exec is not { } exec)
        {
            throw Statuses.BadRequest("pods/exec is not simulated by the fake Kubernetes API server (the kubelet contract has no exec); set FakeKubernetesOptions.Exec to script it");
        }

        using var socket = await ctx.WebSockets.AcceptWebSocketAsync(protocol).ConfigureAwait(false);
        var channels = new ChannelSocket(socket);
        var ct = ctx.RequestAborted;
        await channels.SendAsync(1, ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
        var input = new System.IO.Pipelines.Pipe();
        var receive = channels.ReceiveAsync(stdin ? input.Writer.AsStream() : null, ct);
        if (!stdin)
        {
            await input.Writer.CompleteAsync().ConfigureAwait(false);
        }

        using var stdout = new ChannelWriter(channels, 1, ct);
        using var stderr = new ChannelWriter(channels, 2, ct);
        using var reader = new StreamReader(input.Reader.AsStream());
        var code = await exec(new FakeExec(key, container, command, reader, stdout, stderr), ct).ConfigureAwait(false);
        await stdout.FlushAsync(ct).ConfigureAwait(false);
        await stderr.FlushAsync(ct).ConfigureAwait(false);
        var status = code == 0 ? "{\"metadata\":{},\"status\":\"Success\"}" : NonZero($"error executing command [{string.Join(' ', command)}], exit code {code}", code);
        await channels.SendAsync(3, protocol is null ? (code == 0 ? string.Empty : "command terminated with non-zero exit code: " + $"error executing command [{string.Join(' ', command)}], exit code {code}") : status, ct).ConfigureAwait(false);
        await channels.CloseAsync(ct).ConfigureAwait(false);
        await input.Writer.CompleteAsync().ConfigureAwait(false);
        await receive.ConfigureAwait(false);
    }

    private static string NonZero(string detail, int code) =>
        "{\"metadata\":{},\"status\":\"Failure\",\"message\":" + KubeJson.Quote("command terminated with non-zero exit code: " + detail)
        + ",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"" + code.ToString(CultureInfo.InvariantCulture) + "\"}]}}";

    private (FakePodKey Key, string Container) Resolve(ApiPath p, string requested)
    {
        if (p.Resource.Kind != "Pod" || p.Name is null || p.Namespace is null)
        {
            throw Statuses.PathNotFound();
        }

        lock (server.State.Store.Sync)
        {
            var pod = server.State.Store.Get(ApiResources.Pods, p.Namespace, p.Name) ?? throw Statuses.NotFound(ApiResources.Pods, p.Name);
            var names = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => KubeJson.Str(c, "name")!).ToList();
            if (requested.Length == 0)
            {
                if (names.Count != 1)
                {
                    throw Statuses.BadRequest($"a container name must be specified for pod {p.Name}, choose one of: [{string.Join(" ", names)}]");
                }

                requested = names[0];
            }
            else if (!names.Contains(requested))
            {
                throw Statuses.BadRequest($"container {requested} is not valid for pod {p.Name}");
            }

            return (new FakePodKey(p.Namespace, p.Name), requested);
        }
    }
}
