using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Paas.Router.Feed;

/// <summary>
/// The controller's route stream over HTTP: <c>GET {controller}/internal/v1/routes?origin=O&amp;version=N</c>, answered with one
/// <see cref="RouteChange"/> JSON object per line (<c>application/x-ndjson</c>) for as long as the connection lasts. A line
/// must arrive at least every <see cref="ReadTimeout"/> (the controller sends bookmarks every 30 s); otherwise the
/// connection is taken for dead and the stream ends with <see cref="TimeoutException"/>.
/// </summary>
/// <param name="http">The client (its own timeout must be infinite: the stream is long-lived).</param>
/// <param name="controllerInternalUrl">The controller's internal base URL, e.g. <c>http://paas-controller:7001</c>.</param>
/// <param name="authorization">The <c>Authorization</c> header value the internal contracts require (the service credential).</param>
public sealed class HttpRouteChangeSource(HttpClient http, Uri controllerInternalUrl, AuthenticationHeaderValue authorization) : IRouteChangeSource
{
    /// <summary>How long the stream may stay silent before it is taken for dead: 90 s (three missed bookmarks).</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(90);

    /// <inheritdoc />
    public async IAsyncEnumerable<RouteChange> WatchAsync(string origin, long fromVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(controllerInternalUrl, $"/internal/v1/routes?origin={Uri.EscapeDataString(origin)}&version={fromVersion}"));
        request.Headers.Authorization = authorization;
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        silence.CancelAfter(ReadTimeout);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, silence.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the controller answered {(int)response.StatusCode} {response.ReasonPhrase} to the route stream; check PAAS_CONTROLLER_INTERNAL_URL and that every part has the same PAAS_SERVICE_TOKEN_FILE", null, response.StatusCode);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(silence.Token).ConfigureAwait(false));
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(silence.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the route stream was silent for {ReadTimeout.TotalSeconds} s");
            }

            if (line is null)
            {
                yield break;
            }

            silence.CancelAfter(ReadTimeout);
            if (line.Length > 0)
            {
                yield return JsonSerializer.Deserialize(line, RouteChangeJsonContext.Default.RouteChange)
                    ?? throw new JsonException("the route stream sent null");
            }
        }
    }
}
