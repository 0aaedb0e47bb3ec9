using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Paas.Client;
using Paas.Data;
using Paas.Domain;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>
/// One-off processes from the current release (<c>paas run CMD</c>):
/// <c>POST /v2/apps/{app}/run</c> streams the output back as newline-delimited JSON ending with the exit status (see
/// <see cref="RunEvent"/>), and detached runs answer 202 at once and write to the app's logs;
/// <c>GET /v2/apps/{app}/run/attach</c> is the interactive form, a WebSocket that also carries the caller's standard
/// input (see <see cref="RunSocketProtocol"/> and <see cref="AttachedRun"/>).
/// </summary>
internal static class RunApi
{
    public static IEndpointRouteBuilder MapRunApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v2/apps/{app}/run", RunAsync).WithTags("Processes").RequireAuthorization()
            .WithSummary("Runs a one-off process from the current release; streams its output as NDJSON ending with the exit code.");
        endpoints.MapGet("/v2/apps/{app}/" + RunSocketProtocol.Path, AttachAsync).WithTags("Processes").RequireAuthorization()
            .WithSummary("WebSocket: runs a one-off process with the caller's standard input; output and exit status come back on the socket.");
        return endpoints;
    }

    /// <summary>Checks a run request; null when it is fine, else what is wrong in a sentence.</summary>
    internal static string? Validate(RunCreateRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Command) || request.Command.Contains('\0', StringComparison.Ordinal))
        {
            return "no command given: e.g. paas run 'node --version'";
        }

        if (request.TimeLimitSeconds is < 1 or > 86_400)
        {
            return $"time_limit_seconds={request.TimeLimitSeconds} is out of range: use 1 to 86400";
        }

        if (request.TerminalSize is { IsValid: false } size)
        {
            return $"terminal_size {size} is out of range: width and height go from 1 to 65535";
        }

        if (request.Term is { } term && (term.Length is 0 or > 64 || !term.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-' or '_')))
        {
            return "term is not a terminal type such as xterm-256color (letters, digits and .+-_, at most 64)";
        }

        return null;
    }

    internal static RunRequest ToRunRequest(DeploymentSpec spec, RunCreateRequest request) =>
        new(spec, request.Command, request.TimeLimitSeconds is { } s ? TimeSpan.FromSeconds(s) : null, request.Detached);

    /// <summary>Why a TTY asked for is not given, as the start message's notice: null when the scheduler has one.</summary>
    internal static string? TtyRefusal(IScheduler scheduler, PaasOptions options) =>
        scheduler.SupportsTty ? null : $"the {options.Scheduler} scheduler gives one-off processes no terminal; running without one";

    private static async Task RunAsync(string app, RunCreateRequest request, HttpContext context, AppAccess access, LedgerStore ledger, FormationStore formations, DeploymentSpecs specs, IScheduler scheduler, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        if (Validate(request) is { } invalid)
        {
            throw Problems.Invalid(invalid);
        }

        var spec = await CurrentSpecAsync(found, ledger, formations, specs, cancellationToken).ConfigureAwait(false);
        var runRequest = ToRunRequest(spec, request);
        if (request.Detached)
        {
            // Runs on after this answer; its output and exit status go to the app's logs.
            _ = scheduler.RunAsync(runRequest, static (_, _) => ValueTask.CompletedTask, CancellationToken.None);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            await context.Response.WriteAsJsonAsync(new RunEvent(), PaasJson.Options, cancellationToken).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
        async ValueTask WriteAsync(RunEvent e, CancellationToken token)
        {
            await context.Response.WriteAsync(JsonSerializer.Serialize(e, PaasJson.Options) + "\n", token).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(token).ConfigureAwait(false);
        }

        var result = await scheduler.RunAsync(runRequest, (line, token) => WriteAsync(new RunEvent(Line: line), token), cancellationToken).ConfigureAwait(false);
        await WriteAsync(AttachedRun.Final(result), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The WebSocket form. Everything that can be refused without the request (unknown app, role, not a WebSocket, no
    /// build) is refused as a problem before the upgrade; the request itself comes as the first message.
    /// </summary>
    private static async Task AttachAsync(string app, HttpContext context, AppAccess access, LedgerStore ledger, FormationStore formations, DeploymentSpecs specs, IScheduler scheduler, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw Problems.Invalid($"GET /v2/apps/{app}/{RunSocketProtocol.Path} is a WebSocket (send Upgrade: websocket); for a run without input use POST /v2/apps/{app}/run");
        }

        var spec = await CurrentSpecAsync(found, ledger, formations, specs, cancellationToken).ConfigureAwait(false);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = RunSocketProtocol.KeepAliveInterval }).ConfigureAwait(false);
        await AttachedRun.RunAsync(socket, spec, scheduler, TtyRefusal(scheduler, options.Value), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<DeploymentSpec> CurrentSpecAsync(App found, LedgerStore ledger, FormationStore formations, DeploymentSpecs specs, CancellationToken cancellationToken)
    {
        var current = await ledger.CurrentAsync(found.Id, cancellationToken).ConfigureAwait(false);
        if (current?.Build is null)
        {
            throw Problems.Invalid($"{found.Name} has no build yet, so there is nothing to run: deploy first with git push paas master");
        }

        var formation = await formations.GetAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return await specs.ForAsync(found, current, formation, cancellationToken).ConfigureAwait(false);
    }
}
