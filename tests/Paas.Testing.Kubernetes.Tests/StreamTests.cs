using System.Net.WebSockets;
using System.Text;
using k8s;
using Paas.Testing.Kubernetes.Kubelet;
using Paas.Testing.Kubernetes.Tests.Support;

namespace Paas.Testing.Kubernetes.Tests;

/// <summary>pods/log, pods/attach and pods/exec.</summary>
public sealed class StreamTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static async Task<Cluster> StartWithPodAsync(ContainerScript script, string command = "httpd")
    {
        var cluster = await Cluster.StartAsync();
        cluster.Kubelet.ScriptCommand(command, script);
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Pod("p", command, restartPolicy: "Always"));
        await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "p", p => p?["status"]?["containerStatuses"]?[0]?["ready"]?.GetValue<bool>() == true, Timeout);
        return cluster;
    }

    [Fact]
    public async Task Logs_answer_text_with_timestamps_tail_limit_and_follow()
    {
        await using var cluster = await StartWithPodAsync(new ContainerScript { LogLines = ["starting release r2 on port 5000", "line 2", "line 3"] });
        using var http = new FakeClient(cluster.Server);
        var (status, response, _) = await SendTextAsync(cluster, "/api/v1/namespaces/demo-app/pods/p/log");
        Assert.Equal(200, status.Status);
        Assert.Equal("starting release r2 on port 5000\nline 2\nline 3\n", status.Text);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.False(response.Headers.Contains("X-Kubernetes-Pf-Flowschema-Uid"));

        (status, _, _) = await SendTextAsync(cluster, "/api/v1/namespaces/demo-app/pods/p/log?timestamps=true&tailLines=1");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 3\n$", status.Text);
        (status, _, _) = await SendTextAsync(cluster, "/api/v1/namespaces/demo-app/pods/p/log?limitBytes=10");
        Assert.Equal("starting r", status.Text);

        var (wrong, _, body) = await http.SendAsync("GET", "/api/v1/namespaces/demo-app/pods/p/log?container=nope");
        Assert.Equal(400, wrong);
        Shapes.AssertSame(Recordings.Exchange("v1.28/05d-get-pod-log-wrong-container-400.json")["response"]!["body"], body, new HashSet<string> { "message" });
        Assert.Equal("container nope is not valid for pod p", body!["message"]!.GetValue<string>());

        using var cts = new CancellationTokenSource(Timeout);
        using var stream = await cluster.Client.CoreV1.ReadNamespacedPodLogAsync("p", Manifests.Ns, follow: true, tailLines: 1, cancellationToken: cts.Token);
        using var reader = new StreamReader(stream);
        Assert.Equal("line 3", await reader.ReadLineAsync(cts.Token));
        cluster.Kubelet.WriteLog(new FakePodKey(Manifests.Ns, "p"), "[::ffff:10.244.0.1]:35858: url:/follow-0");
        Assert.Equal("[::ffff:10.244.0.1]:35858: url:/follow-0", await reader.ReadLineAsync(cts.Token));
    }

    private static async Task<((int Status, string Text), HttpResponseMessage, string)> SendTextAsync(Cluster cluster, string path)
    {
        using var http = new HttpClient { BaseAddress = cluster.Server.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cluster.Server.Token);
        var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (((int)response.StatusCode, text), response, text);
    }

    [Fact]
    public async Task A_log_of_a_container_waiting_for_its_image_is_the_recorded_400()
    {
        await using var cluster = await Cluster.StartAsync();
        cluster.Kubelet.ScriptImage("127.0.0.1:5055/nope:1", new ContainerScript { FailPull = true });
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Pod("demo-app-badimage", "sleep 1", image: "127.0.0.1:5055/nope:1"));
        await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "demo-app-badimage", p => p?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "ErrImagePull", Timeout);
        using var http = new FakeClient(cluster.Server);
        var (status, _, body) = await http.SendAsync("GET", "/api/v1/namespaces/demo-app/pods/demo-app-badimage/log");
        Assert.Equal(400, status);
        Shapes.AssertSame(Recordings.Exchange("v1.28/07e-get-pod-log-waiting-container-400.json")["response"]!["body"], body);

        var backOff = await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "demo-app-badimage", p => p?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "ImagePullBackOff", Timeout);
        var recorded = Recordings.Exchange("v1.28/07c-get-pod-imagepullbackoff.json")["response"]!["body"]!["status"]!;
        Shapes.AssertSame(recorded, backOff!["status"], new HashSet<string> { "podIP", "ip", "hostIP", "qosClass" });
        var errImagePull = await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "demo-app-badimage", p => p?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "ErrImagePull", Timeout);
        Assert.Equal("rpc error: code = NotFound desc = failed to pull and unpack image \"127.0.0.1:5055/nope:1\": failed to resolve reference \"127.0.0.1:5055/nope:1\": 127.0.0.1:5055/nope:1: not found",
            errImagePull!["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["message"]!.GetValue<string>());
        Assert.Equal("Pending", errImagePull["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Attach_over_websocket_with_the_client_forwards_stdin_and_returns_stdout()
    {
        await using var cluster = await StartWithPodAsync(new ContainerScript
        {
            Attach = async (input, output, ct) =>
            {
                while (await input.ReadLineAsync(ct) is { } line)
                {
                    await output.WriteLineAsync("got: " + line);
                }

                return null;
            },
        });
        using var cts = new CancellationTokenSource(Timeout);
        using var ws = await cluster.Client.WebSocketNamespacedPodAttachAsync("p", Manifests.Ns, "main", stderr: true, stdin: true, stdout: true, tty: false, cancellationToken: cts.Token);
        // KubernetesClient 21.0.8 offers no subprotocol unless asked: the server then answers with an empty protocol and the
        // same channel framing (recorded in 10h).
        Assert.True(string.IsNullOrEmpty(ws.SubProtocol));
        using var demux = new StreamDemuxer(ws);
        demux.Start();
        using var stdin = demux.GetStream((byte?)null, (byte?)0);
        using var stdout = demux.GetStream((byte?)1, (byte?)null);
        await stdin.WriteAsync(Encoding.UTF8.GetBytes("hello\n"), cts.Token);
        await stdin.FlushAsync(cts.Token);
        var buffer = new byte[64];
        var read = new StringBuilder();
        while (!read.ToString().Contains('\n', StringComparison.Ordinal))
        {
            var n = await stdout.ReadAsync(buffer, cts.Token);
            Assert.True(n > 0);
            read.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        Assert.Equal("got: hello\n", read.ToString());
    }

    [Fact]
    public async Task Websocket_handshakes_and_frames_follow_the_recordings()
    {
        await using var cluster = await Cluster.StartAsync(o => o.Exec = async (exec, ct) =>
        {
            await exec.Stdout.WriteAsync("hi\n");
            return 7;
        });
        cluster.Kubelet.ScriptCommand("httpd", new ContainerScript());
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Pod("p", "httpd", restartPolicy: "Always"));
        await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "p", p => p?["status"]?["phase"]?.GetValue<string>() == "Running", Timeout);
        var url = new Uri(cluster.Server.Url, "/api/v1/namespaces/demo-app/pods/p/exec?command=sh&command=-c&command=echo%20hi%3B%20exit%207&container=main&stdout=true&stderr=true");
        var ws = new UriBuilder(url) { Scheme = "ws" }.Uri;

        using (var v5 = new ClientWebSocket())
        {
            v5.Options.SetRequestHeader("Authorization", "Bearer " + cluster.Server.Token);
            v5.Options.AddSubProtocol("v5.channel.k8s.io");
            v5.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => v5.ConnectAsync(ws, CancellationToken.None));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, v5.HttpStatusCode);
        }

        using var client = new ClientWebSocket();
        client.Options.SetRequestHeader("Authorization", "Bearer " + cluster.Server.Token);
        client.Options.AddSubProtocol("v5.channel.k8s.io");
        client.Options.AddSubProtocol("v4.channel.k8s.io");
        await client.ConnectAsync(ws, CancellationToken.None);
        Assert.Equal("v4.channel.k8s.io", client.SubProtocol);
        var frames = new List<string>();
        var buffer = new byte[4096];
        while (true)
        {
            var r = await client.ReceiveAsync(buffer, CancellationToken.None);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                Assert.Equal(WebSocketCloseStatus.NormalClosure, r.CloseStatus);
                break;
            }

            Assert.Equal(WebSocketMessageType.Binary, r.MessageType);
            frames.Add(Convert.ToHexString(buffer, 0, r.Count).ToLowerInvariant());
        }

        var recorded = Recordings.Exchange("v1.28/10a-exec-websocket-v4-exit-7.json")["frames"]!.AsArray()
            .Where(f => f!["dir"]!.GetValue<string>() == "server->client" && f["opcode"]!.GetValue<int>() == 2).Select(f => f!["hex"]!.GetValue<string>());
        Assert.Equal(recorded, frames);

        using var http = new FakeClient(cluster.Server);
        var (status, _, body) = await http.SendAsync("GET", url.PathAndQuery);
        Assert.Equal(400, status);
        Shapes.AssertSame(Recordings.Exchange("v1.28/10i-exec-without-upgrade-400.json")["response"]!["body"], body);
    }

    [Fact]
    public async Task A_tty_attach_merges_output_on_channel_1_takes_sizes_on_channel_4_and_ends_with_a_success_status()
    {
        await using var cluster = await Cluster.StartAsync();
        cluster.Kubelet.ScriptCommand("console", new ContainerScript
        {
            Terminal = async (terminal, ct) =>
            {
                var size = await terminal.SizeOtherThanAsync(default, ct);
                await terminal.Output.WriteAsync($"size {size.Height} {size.Width}\n");
                var line = await terminal.Input.ReadLineAsync(ct);
                await terminal.Output.WriteAsync($"got: {line}\n");
                size = await terminal.SizeOtherThanAsync(size, ct);
                await terminal.Output.WriteAsync($"size {size.Height} {size.Width}\n");
                return 3;
            },
        });
        await cluster.ApplyAsync(Manifests.Namespace());
        var pod = Manifests.Pod("p", "console");
        var container = pod["spec"]!["containers"]![0]!.AsObject();
        container["stdin"] = true;
        container["stdinOnce"] = true;
        container["tty"] = true;
        await cluster.ApplyAsync(pod);
        await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "p", p => p?["status"]?["phase"]?.GetValue<string>() == "Running", Timeout);

        using var client = await ConnectAsync(cluster, "/api/v1/namespaces/demo-app/pods/p/attach?container=main&stdin=true&stdout=true&stderr=true&tty=true");
        await SendAsync(client, 4, "{\"Width\":80,\"Height\":24}");
        await SendAsync(client, 0, "hello\n");
        var frames = new List<(byte Channel, string Data)>();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var r = await client.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, cts.Token);
                break;
            }

            frames.Add((buffer[0], Encoding.UTF8.GetString(buffer, 1, r.Count - 1)));
            if (frames[^1].Data.Contains("got:", StringComparison.Ordinal))
            {
                await SendAsync(client, 4, "{\"width\":100,\"height\":30}"); // Go's decoder ignores the case of field names
            }
        }

        Assert.Equal((1, ""), frames[0]);
        Assert.DoesNotContain(frames, f => f.Channel == 2);
        Assert.Equal("size 24 80\r\ngot: hello\r\nsize 30 100\r\n", string.Concat(frames.Where(f => f.Channel == 1).Select(f => f.Data)));
        Assert.Equal((3, "{\"metadata\":{},\"status\":\"Success\"}"), frames[^1]); // the kubelet's attach does not know the exit code
        var done = await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "p", p => p?["status"]?["phase"]?.GetValue<string>() == "Failed", Timeout);
        Assert.Equal(3, done!["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_input_only_attach_opens_with_an_empty_status_channel_frame()
    {
        await using var cluster = await StartWithPodAsync(new ContainerScript());
        using var client = await ConnectAsync(cluster, "/api/v1/namespaces/demo-app/pods/p/attach?container=main&stdin=true&stdout=false&stderr=false");
        var buffer = new byte[16];
        using var cts = new CancellationTokenSource(Timeout);

        var first = await client.ReceiveAsync(buffer, cts.Token);

        Assert.Equal("03", Convert.ToHexString(buffer, 0, first.Count)); // the lowest channel the server writes: no stdout, no stderr
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty, cts.Token);
    }

    private static async Task<ClientWebSocket> ConnectAsync(Cluster cluster, string pathAndQuery)
    {
        var client = new ClientWebSocket();
        client.Options.SetRequestHeader("Authorization", "Bearer " + cluster.Server.Token);
        client.Options.AddSubProtocol("v4.channel.k8s.io");
        await client.ConnectAsync(new UriBuilder(new Uri(cluster.Server.Url, pathAndQuery)) { Scheme = "ws" }.Uri, CancellationToken.None);
        return client;
    }

    private static Task SendAsync(ClientWebSocket client, byte channel, string text) =>
        client.SendAsync((byte[])[channel, .. Encoding.UTF8.GetBytes(text)], WebSocketMessageType.Binary, true, CancellationToken.None);
}
