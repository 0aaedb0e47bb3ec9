using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Router.Routing;
using Paas.Scheduling;
using Paas.Scheduling.Local;
using Paas.Server;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>
/// <c>paas run</c> through the API with the real local runtime running real processes (unconfined, from an empty slug):
/// the WebSocket form with standard input, directly and through paasd's router, and the NDJSON form.
/// </summary>
public sealed class RunApiTests : IAsyncLifetime
{
    private const string Image = "127.0.0.1:5000/runner@sha256:3333333333333333333333333333333333333333333333333333333333333333";
    private readonly string _slug = Directory.CreateTempSubdirectory("paas-run-slug-").FullName;
    private readonly ApiEndpoint _api = new();
    private TestPlatform? _platform;
    private PaasClient? _alice;
    private PaasClient? _bob;
    private HttpClient? _http;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private TestPlatform Platform => _platform!;

    private PaasClient Alice => _alice!;

    public async ValueTask InitializeAsync()
    {
        _platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" }, configureServices: services =>
        {
            services.AddSingleton<ISlugSource>(new OneSlug(_slug));
            services.Configure<LocalRuntimeOptions>(o => o.RunAsAppUsers = false);
            services.AddSingleton<IScheduler>(sp => sp.GetRequiredService<LocalProcessScheduler>());
            services.AddSingleton<IRouteEndpointSource>(_api);
        });
        _api.Address = new Uri(Platform.ApiUrl).Authority;
        _http = new HttpClient();
        var (_, aliceToken) = await Platform.UserAsync("alice");
        var (_, bobToken) = await Platform.UserAsync("bob");
        _alice = new PaasClient(_http, new Uri(Platform.ApiUrl), aliceToken);
        _bob = new PaasClient(_http, new Uri(Platform.ApiUrl), bobToken);
        await Alice.CreateAppAsync(new AppCreateRequest("runner"), Cancel);
        await Alice.CreateBuildAsync("runner", new BuildCreateRequest(Image, new Dictionary<string, string> { ["console"] = "bash" }), Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        Directory.Delete(_slug, recursive: true);
    }

    [Fact]
    public async Task Input_reaches_the_process_and_its_exit_code_comes_back()
    {
        var echoed = await RunAsync(Alice, "cat; echo done >&2", "hello\nworld\n");
        Assert.Equal(("hello\nworld\n", "done\n", 0), (echoed.Out, echoed.Error, echoed.Final.ExitCode));

        var read = await RunAsync(Alice, "printf 'name: '; read name; echo \"hi $name\"; exit 3", "ann\n");
        Assert.Equal(("name: hi ann\n", 3), (read.Out, read.Final.ExitCode));

        var silent = await RunAsync(Alice, "cat; echo eof-seen", null);
        Assert.Equal(("eof-seen\n", 0), (silent.Out, silent.Final.ExitCode));
    }

    [Fact]
    public async Task A_megabyte_of_input_arrives_exactly()
    {
        var input = new string('x', 1024 * 1024 - 1) + "\n";

        var counted = await RunAsync(Alice, "wc -c", input);

        Assert.Equal("1048576", counted.Out.Trim());
        Assert.Equal(0, counted.Final.ExitCode);
    }

    [Fact]
    public async Task A_prompt_shows_before_the_input_is_given()
    {
        var stdin = new Pipe();
        var output = new StringBuilder();
        var prompted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = Alice.RunAttachedAsync("runner", new RunCreateRequest("printf 'name: '; read name; echo \"hi $name\""), stdin.Reader.AsStream(), (_, bytes) =>
        {
            lock (output)
            {
                output.Append(Encoding.UTF8.GetString(bytes.Span));
                if (output.ToString() == "name: ")
                {
                    prompted.TrySetResult();
                }
            }

            return ValueTask.CompletedTask;
        }, Cancel);
        await prompted.Task.WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        await stdin.Writer.WriteAsync("bob\n"u8.ToArray(), Cancel);
        var final = await run.WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        Assert.Equal(0, final.ExitCode);
        Assert.Equal("name: hi bob\n", output.ToString());
    }

    [Fact]
    public async Task The_time_limit_ends_a_process_that_waits_for_input_forever()
    {
        var stdin = new Pipe(); // never written, never closed
        var watch = Stopwatch.StartNew();

        var final = await Alice.RunAttachedAsync("runner", new RunCreateRequest("cat", TimeLimitSeconds: 1), stdin.Reader.AsStream(), (_, _) => ValueTask.CompletedTask, Cancel)
            .WaitAsync(TimeSpan.FromSeconds(20), Cancel);

        Assert.True(final.TimedOut);
        Assert.Equal(137, final.ExitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_client_that_goes_away_ends_the_process()
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var pid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Alice.RunAttachedAsync("runner", new RunCreateRequest("echo $$; exec sleep 600"), new Pipe().Reader.AsStream(), (_, bytes) =>
        {
            pid.TrySetResult(int.Parse(Encoding.UTF8.GetString(bytes.Span).Trim(), System.Globalization.CultureInfo.InvariantCulture));
            return ValueTask.CompletedTask;
        }, interrupt.Token);
        var process = await pid.Task.WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        Assert.True(IsRunning(process));

        await interrupt.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (IsRunning(process))
        {
            Assert.True(DateTime.UtcNow < deadline, $"process {process} still runs 10 s after its client went away");
            await Task.Delay(100, Cancel);
        }
    }

    [Fact]
    public async Task Refusals_come_as_problems_before_the_upgrade()
    {
        var unknown = await Assert.ThrowsAsync<PaasApiException>(() => Alice.RunAttachedAsync("nobody", new RunCreateRequest("true"), null, (_, _) => ValueTask.CompletedTask, Cancel));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("there is no app named 'nobody'", unknown.Message, StringComparison.Ordinal);

        var forbidden = await Assert.ThrowsAsync<PaasApiException>(() => _bob!.RunAttachedAsync("runner", new RunCreateRequest("true"), null, (_, _) => ValueTask.CompletedTask, Cancel));
        Assert.Equal(HttpStatusCode.NotFound, forbidden.StatusCode); // no role on it: the answer of an app that does not exist
        Assert.Contains("there is no app named 'runner' that you can access", forbidden.Message, StringComparison.Ordinal);

        await Alice.CreateAppAsync(new AppCreateRequest("empty"), Cancel);
        var unbuilt = await Assert.ThrowsAsync<PaasApiException>(() => Alice.RunAttachedAsync("empty", new RunCreateRequest("true"), null, (_, _) => ValueTask.CompletedTask, Cancel));
        Assert.Equal(HttpStatusCode.BadRequest, unbuilt.StatusCode);
        Assert.Contains("has no build yet", unbuilt.Message, StringComparison.Ordinal);

        var anonymous = await Assert.ThrowsAsync<PaasApiException>(() => Alice.WithToken(null).RunAttachedAsync("runner", new RunCreateRequest("true"), null, (_, _) => ValueTask.CompletedTask, Cancel));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var invalid = await Alice.RunAttachedAsync("runner", new RunCreateRequest(" "), null, (_, _) => ValueTask.CompletedTask, Cancel);
        Assert.Contains("no command given", invalid.FailureReason, StringComparison.Ordinal);

        using var plain = await _http!.SendAsync(new HttpRequestMessage(HttpMethod.Get, Platform.ApiUrl + "/v2/apps/runner/run/attach") { Headers = { { "Authorization", "token " + Alice.Token } } }, Cancel);
        await plain.Problem(HttpStatusCode.BadRequest, "is a WebSocket");
    }

    [Fact]
    public async Task An_attached_run_works_through_the_router()
    {
        await Alice.CreateAppAsync(new AppCreateRequest("gateway"), Cancel); // the router sends gateway.localhost to the API
        var router = new Uri(Platform.RouterHttpUrl);
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, router.Port, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler);
        var viaRouter = new PaasClient(http, new Uri($"http://gateway.localhost:{router.Port}"), Alice.Token);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                await viaRouter.GetAppAsync("runner", Cancel);
                break;
            }
            catch (PaasApiException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, Cancel); // the route table is not there yet
            }
        }

        var echoed = await RunAsync(viaRouter, "cat; exit 5", "through the router\n");

        Assert.Equal(("through the router\n", 5), (echoed.Out, echoed.Final.ExitCode));
    }

    [Fact]
    public async Task The_ndjson_form_still_streams_lines_and_the_exit_code()
    {
        var events = new List<RunEvent>();
        await foreach (var e in Alice.RunAsync("runner", new RunCreateRequest("echo one; echo two; exit 4"), Cancel))
        {
            events.Add(e);
        }

        Assert.Equal(["one", "two"], events.Where(e => e.Line is not null).Select(e => e.Line!));
        Assert.Equal(4, events[^1].ExitCode);
    }

    [Fact]
    public async Task A_tty_run_gets_a_terminal_of_the_callers_size_type_and_resizes()
    {
        var session = new TtySession();
        var run = session.RunAsync(Alice, "tty; stty size; echo $TERM; while [ \"$(stty size)\" = \"30 100\" ]; do sleep 0.1; done; stty size; read x; echo \"got $x\"; exit 3", new TerminalSize(100, 30), "xterm-256color");

        await session.WaitForAsync("xterm-256color\r\n");
        session.Resize(new TerminalSize(120, 40));
        await session.WaitForAsync("40 120\r\n"); // the process waits for the new size; then Enter (a terminal sends \r, read as \n)
        await session.TypeAsync("hi\r");
        var final = await run;

        Assert.Equal(new RunEvent(Tty: true), session.Start);
        Assert.Equal(3, final.ExitCode);
        Assert.Matches(@"^/dev/pts/\d+\r\n30 100\r\nxterm-256color\r\n40 120\r\nhi\r\ngot hi\r\n$", session.Output);
        Assert.Equal("", session.Errors); // one stream: the terminal
    }

    [Fact]
    public async Task Ctrl_c_typed_on_a_tty_interrupts_the_process_and_ctrl_d_ends_a_read()
    {
        var session = new TtySession();
        var run = session.RunAsync(Alice, "cat; echo cat-done; sleep 600", TerminalSize.Default, null);

        await session.TypeAsync("one\r");
        await session.WaitForAsync("one\r\none\r\n"); // the echo, then cat's copy
        await session.TypeAsync("\u0004"); // Ctrl+D: end of input for cat
        await session.WaitForAsync("cat-done\r\n");
        await session.TypeAsync("\u0003"); // Ctrl+C: SIGINT to the foreground process group
        var final = await run;

        Assert.Equal(130, final.ExitCode); // bash ends with sleep's 128 + SIGINT
        Assert.EndsWith("^C", session.Output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_tty_the_start_says_so_and_the_process_has_pipes()
    {
        var session = new TtySession();

        var final = await session.RunAsync(Alice, "test -t 0 || echo no-tty", null, null);

        Assert.Equal(new RunEvent(Tty: false), session.Start);
        Assert.Equal(0, final.ExitCode);
        Assert.Equal("no-tty\n", session.Output);
    }

    [Fact]
    public async Task A_terminal_size_out_of_range_is_refused()
    {
        var final = await Alice.RunAttachedAsync("runner", new RunCreateRequest("true", Tty: true, TerminalSize: new TerminalSize(0, 24)), null, (_, _) => ValueTask.CompletedTask, Cancel);

        Assert.Equal("terminal_size 0x24 is out of range: width and height go from 1 to 65535", final.FailureReason);
    }

    /// <summary>A caller with a terminal: keystrokes through a pipe, the output collected, resizes on a channel.</summary>
    private sealed class TtySession
    {
        private readonly Pipe _keys = new();
        private readonly System.Threading.Channels.Channel<TerminalSize> _resizes = System.Threading.Channels.Channel.CreateUnbounded<TerminalSize>();
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _errors = new();

        public RunEvent? Start { get; private set; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public string Errors
        {
            get
            {
                lock (_output)
                {
                    return _errors.ToString();
                }
            }
        }

        /// <summary>Runs with a TTY of <paramref name="size"/>, or without one when null.</summary>
        public Task<RunEvent> RunAsync(PaasClient client, string command, TerminalSize? size, string? term) =>
            client.RunAttachedAsync("runner", new RunCreateRequest(command, Tty: size is not null, TerminalSize: size, Term: term), _keys.Reader.AsStream(), (stream, bytes) =>
            {
                lock (_output)
                {
                    (stream == RunSocketProtocol.StandardError ? _errors : _output).Append(Encoding.UTF8.GetString(bytes.Span));
                }

                return ValueTask.CompletedTask;
            }, new RunAttachOptions(start => { Start = start; return ValueTask.CompletedTask; }, _resizes.Reader), Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);

        public async Task TypeAsync(string keys) => await _keys.Writer.WriteAsync(Encoding.UTF8.GetBytes(keys), Cancel);

        public void Resize(TerminalSize size) => _resizes.Writer.TryWrite(size);

        public async Task WaitForAsync(string text)
        {
            var watch = Stopwatch.StartNew();
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"no {text} in: {Output}");
                await Task.Delay(20, Cancel);
            }
        }
    }

    private static async Task<(string Out, string Error, RunEvent Final)> RunAsync(PaasClient client, string command, string? input)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        using var stdin = input is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(input));
        var final = await client.RunAttachedAsync("runner", new RunCreateRequest(command), stdin, (stream, bytes) =>
        {
            lock (output)
            {
                (stream == RunSocketProtocol.StandardError ? error : output).Append(Encoding.UTF8.GetString(bytes.Span));
            }

            return ValueTask.CompletedTask;
        }, Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        Assert.Null(final.FailureReason);
        return (output.ToString(), error.ToString(), final);
    }

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal);

    private sealed class OneSlug(string directory) : ISlugSource
    {
        public Task<SlugResult> PrepareAsync(string app, string image, CancellationToken cancellationToken) => Task.FromResult(SlugResult.Ready(directory));

        public Task PruneAsync(IReadOnlyCollection<string> inUse, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Routes the app <c>gateway</c> to the controller API itself, as a production router in front of the API would.</summary>
    private sealed class ApiEndpoint : IRouteEndpointSource
    {
        private string _address = "127.0.0.1:9";

        public event EventHandler? Changed;

        public string Address
        {
            get => _address;
            set
            {
                _address = value;
                Changed?.Invoke(this, EventArgs.Empty);
            }
        }

        public IReadOnlyList<RouteEndpoint> EndpointsOf(string name) => name == "gateway" ? [new RouteEndpoint(Address, "web.1")] : [];
    }
}
