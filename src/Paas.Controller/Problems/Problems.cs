using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>Writes RFC 7807 problem details (<c>application/problem+json</c>) with a detail a person can act on.</summary>
internal static class Problems
{
    public static Task Write(HttpContext context, int status, string detail, IDictionary<string, object?>? extensions = null, string? title = null)
    {
        var problems = context.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService;
        var problem = new ProblemDetails { Status = status, Detail = detail, Title = title ?? TitleOf(status), Type = TypeOf(status) };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        context.Response.StatusCode = status;
        return problems is null
            ? context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json")
            : problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    public static int StatusOf(DomainErrorKind kind) => kind switch
    {
        DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
        DomainErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        DomainErrorKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    public static DomainException NotFound(string detail) => new(DomainErrorKind.NotFound, detail);

    public static DomainException Forbidden(string detail) => new(DomainErrorKind.Forbidden, detail);

    public static DomainException Conflict(string detail) => new(DomainErrorKind.Conflict, detail);

    public static DomainException Invalid(string detail) => new(DomainErrorKind.Invalid, detail);

    public static string DirectoryDown(Paas.Ldap.DirectoryUnavailableException e) =>
        $"sign-in through the directory is not possible right now: {e.Message} (admins: see paasd's log)";

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Error",
    };

    private static string TypeOf(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}
