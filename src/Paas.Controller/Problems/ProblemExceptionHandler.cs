using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// Turns expected failures into problem details: broken rules (<see cref="DomainException"/>) into 4xx, malformed
/// request bodies into 400, failed deploys into 422, an unreachable database, directory or scheduler back-end into 503 (a scheduler refusal that needs a setup change into 422). Anything else stays a 500
/// (logged with its stack, answered without it).
/// </summary>
internal sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case DomainException domain:
                await Problems.Write(httpContext, Problems.StatusOf(domain.Kind), domain.Message).ConfigureAwait(false);
                return true;
            case LoginThrottledException throttled:
                httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(throttled.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Write(httpContext, StatusCodes.Status429TooManyRequests, throttled.Message).ConfigureAwait(false);
                return true;
            case UnauthorizedLoginException login:
                await Problems.Write(httpContext, StatusCodes.Status401Unauthorized, login.Message).ConfigureAwait(false);
                return true;
            case DeployFailedException failed:
                await Problems.Write(httpContext, StatusCodes.Status422UnprocessableEntity, failed.Message, new Dictionary<string, object?> { ["release"] = failed.Version }, "Deploy Failed").ConfigureAwait(false);
                return true;
            case BadHttpRequestException bad:
                var inner = bad.InnerException is JsonException json ? json.Message : bad.Message;
                await Problems.Write(httpContext, bad.StatusCode, $"the request is not valid: {inner}").ConfigureAwait(false);
                return true;
            case Paas.Ldap.DirectoryUnavailableException directory:
                await Problems.Write(httpContext, StatusCodes.Status503ServiceUnavailable, Problems.DirectoryDown(directory)).ConfigureAwait(false);
                return true;
            case Paas.Scheduling.SchedulerUnavailableException scheduler:
                LogSchedulerUnavailable(logger, scheduler);
                await Problems.Write(httpContext, scheduler.IsTransient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status422UnprocessableEntity, scheduler.Message).ConfigureAwait(false);
                return true;
            case DbException db:
                LogDatabaseDown(logger, db);
                await Problems.Write(httpContext, StatusCodes.Status503ServiceUnavailable, "the platform's database is not answering; try again shortly (admins: see paasd's log)").ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Database error while serving a request")]
    private static partial void LogDatabaseDown(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "The scheduler refused a request")]
    private static partial void LogSchedulerUnavailable(ILogger logger, Exception exception);
}
