using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>
/// <c>POST /v2/apps/{app}/run</c>: a one-off process from the current release (<c>paas run CMD</c>), its output streamed
/// back as newline-delimited JSON ending with its exit status (see <see cref="RunEvent"/>); detached runs answer 202 at
/// once and write to the app's logs.
/// </summary>
internal static class RunApi
{
    public static IEndpointRouteBuilder MapRunApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v2/apps/{app}/run", RunAsync).WithTags("Processes").RequireAuthorization()
            .WithSummary("Runs a one-off process from the current release; streams its output as NDJSON ending with the exit code.");
        return endpoints;
    }

    private static async Task RunAsync(string app, RunCreateRequest request, HttpContext context, AppAccess access, LedgerStore ledger, FormationStore formations, IScheduler scheduler, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(request.Command) || request.Command.Contains('\0', StringComparison.Ordinal))
        {
            throw Problems.Invalid("no command given: e.g. paas run 'node --version'");
        }

        if (request.TimeLimitSeconds is < 1 or > 86_400)
        {
            throw Problems.Invalid($"time_limit_seconds={request.TimeLimitSeconds} is out of range: use 1 to 86400");
        }

        var current = await ledger.CurrentAsync(found.Id, cancellationToken).ConfigureAwait(false);
        if (current?.Build is not { } build)
        {
            throw Problems.Invalid($"{app} has no build yet, so there is nothing to run: deploy first with git push paas master");
        }

        var formation = await formations.GetAsync(found.Id, cancellationToken).ConfigureAwait(false);
        var spec = new DeploymentSpec(found.Name, current.Version, build.Image, current.Config, build.ProcessTypes, formation, build.Sha);
        var limit = request.TimeLimitSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        var runRequest = new RunRequest(spec, request.Command, limit, request.Detached);

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
        await WriteAsync(new RunEvent(Name: result.Name, ExitCode: result.ExitCode, TimedOut: result.TimedOut, FailureReason: result.FailureReason), cancellationToken).ConfigureAwait(false);
    }
}
