using Microsoft.Extensions.Options;
using Paas.Client;

namespace Paas.Builder;

/// <summary>
/// The controller's API as the builder sees it: the typed <see cref="PaasClient"/> against
/// <see cref="BuilderOptions.ControllerUrl"/>, or against this process's own Kestrel when the builder is hosted in the
/// controller (paasd's default).
/// </summary>
internal sealed class ControllerApi(IOptions<BuilderOptions> options, IServiceProvider services) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>The controller's base URL, e.g. <c>http://127.0.0.1:7000</c>.</summary>
    public Uri BaseUrl
    {
        get
        {
            if (!string.IsNullOrEmpty(options.Value.ControllerUrl))
            {
                return new Uri(options.Value.ControllerUrl);
            }

            return LocalUrl;
        }
    }

    /// <summary>
    /// This process's own first Kestrel address, with a wildcard host made loopback: where the pre-receive hook calls back
    /// (always this process, also when the controller runs elsewhere).
    /// </summary>
    public Uri LocalUrl
    {
        get
        {
            var address = ServerAddresses.FirstConnectable(services)
                ?? throw new InvalidOperationException("the builder's host has no HTTP address yet: set Builder:ControllerUrl or start the host");
            return new Uri(address);
        }
    }

    /// <summary>A client sending <paramref name="token"/>.</summary>
    public PaasClient For(string token) => new(_http, BaseUrl, token);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
