using System.Text;

namespace Paas.Server;

/// <summary>
/// Liveness and readiness of one paasd process, whatever roles it runs. <c>GET /healthz</c> answers 200 while the process
/// serves (Kubernetes restarts it otherwise); <c>GET /readyz</c> runs every part's readiness check (the controller: the
/// database answers and is migrated; the builder and the registry: the controller and registry they depend on answer; the
/// router: it holds a route table from the controller) and answers 200, or 503 naming what is not ready, one line per
/// part (Kubernetes then sends it no traffic). Served on every part's own port except the router's (those are the apps'),
/// and on <c>PAAS_HEALTH_PORT</c> when set.
/// </summary>
public sealed class PlatformHealth
{
    /// <summary>How long one part's check may take before it counts as not ready: 5 s.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private readonly List<(string Part, Func<CancellationToken, Task<string?>> Check)> _checks = [];

    /// <summary>Adds a part's readiness check.</summary>
    /// <param name="part">The part's name, e.g. <c>controller</c>.</param>
    /// <param name="check">Returns null when ready, else why not (one line).</param>
    public void Add(string part, Func<CancellationToken, Task<string?>> check) => _checks.Add((part, check));

    /// <summary>Runs every check, each bounded by <see cref="CheckTimeout"/>.</summary>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>Whether every part is ready, and one line per part (<c>controller: ready</c>, <c>router: ...</c>).</returns>
    public async Task<(bool Ready, string Report)> CheckAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(_checks.Select(async c =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CheckTimeout);
            try
            {
                return (c.Part, Reason: await c.Check(timeout.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (c.Part, Reason: (string?)$"no answer within {CheckTimeout.TotalSeconds} s");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or System.Data.Common.DbException or InvalidOperationException)
            {
                return (c.Part, Reason: (string?)e.Message);
            }
        })).ConfigureAwait(false);
        var report = new StringBuilder();
        foreach (var (part, reason) in results)
        {
            report.Append(part).Append(": ").Append(reason ?? "ready").Append('\n');
        }

        return (results.All(r => r.Reason is null), report.ToString());
    }

    /// <summary>Maps <c>GET /healthz</c> and <c>GET /readyz</c>.</summary>
    /// <param name="endpoints">A part's endpoints.</param>
    /// <returns><paramref name="endpoints"/>.</returns>
    public IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n")).ExcludeFromDescription().AllowAnonymous();
        endpoints.MapGet("/readyz", async (CancellationToken cancellationToken) =>
        {
            var (ready, report) = await CheckAsync(cancellationToken).ConfigureAwait(false);
            return Results.Text(report, "text/plain", Encoding.UTF8, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).ExcludeFromDescription().AllowAnonymous();
        return endpoints;
    }

    /// <summary>A check that <paramref name="target"/> answers HTTP at all (any status): a peer part is up.</summary>
    /// <param name="http">The HTTP client.</param>
    /// <param name="target">The URL, e.g. the controller's <c>/healthz</c>, read at each check (a part in this process has its port only once started).</param>
    /// <param name="name">The peer's name for the report.</param>
    /// <returns>The check.</returns>
    public static Func<CancellationToken, Task<string?>> Answers(HttpClient http, Func<Uri> target, string name) => async cancellationToken =>
    {
        var url = target();
        try
        {
            using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (HttpRequestException e)
        {
            return $"the {name} at {url.GetLeftPart(UriPartial.Authority)} does not answer ({e.Message})";
        }
    };
}
