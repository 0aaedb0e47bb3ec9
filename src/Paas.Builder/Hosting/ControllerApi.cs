using Microsoft.Extensions.Options;
using Paas.Client;

namespace Paas.Builder;

/// <summary>
/// The controller's API as the builder sees it: the typed <see cref="PaasClient"/> against
/// <see cref="BuilderOptions.ControllerUrl"/>; or, when the builder is hosted in the controller (paasd's default) and no URL
/// is set, against the controller's request pipeline in memory (<see cref="IInProcessController"/>), the same endpoints
/// and checks without a loopback connection per call.
/// </summary>
internal sealed class ControllerApi : IDisposable
{
    private readonly IOptions<BuilderOptions> _options;
    private readonly IServiceProvider _services;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(5) };
    private readonly Lazy<HttpClient?> _inProcess;

    /// <summary>Creates the API client.</summary>
    /// <param name="options">The builder's settings (<see cref="BuilderOptions.ControllerUrl"/>).</param>
    /// <param name="services">The host's services: its server's addresses and, in the controller's process, <see cref="IInProcessController"/>.</param>
    public ControllerApi(IOptions<BuilderOptions> options, IServiceProvider services)
    {
        _options = options;
        _services = services;
        // Made at the first call, once the host has started; a failure (not started yet) is not remembered.
        _inProcess = new Lazy<HttpClient?>(
            () => string.IsNullOrEmpty(options.Value.ControllerUrl) && services.GetService(typeof(IInProcessController)) is IInProcessController controller
                ? new HttpClient(controller.CreateHandler()) { Timeout = TimeSpan.FromMinutes(5) }
                : null,
            LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>Whether calls go to the controller in this process in memory rather than over HTTP.</summary>
    public bool InProcess => _inProcess.Value is not null;

    /// <summary>The controller's base URL, e.g. <c>http://127.0.0.1:7000</c>.</summary>
    public Uri BaseUrl
    {
        get
        {
            if (!string.IsNullOrEmpty(_options.Value.ControllerUrl))
            {
                return new Uri(_options.Value.ControllerUrl);
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
            var address = ServerAddresses.FirstConnectable(_services)
                ?? throw new InvalidOperationException("the builder's host has no HTTP address yet: set Builder:ControllerUrl or start the host");
            return new Uri(address);
        }
    }

    /// <summary>A client sending <paramref name="token"/>: in memory when <see cref="InProcess"/> (addressed to <see cref="LocalUrl"/>, so the request's <c>Host</c> is what it was over HTTP), else over HTTP to <see cref="BaseUrl"/>.</summary>
    public PaasClient For(string token) => _inProcess.Value is { } memory ? new(memory, LocalUrl, token) : new(_http, BaseUrl, token);

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        if (_inProcess.IsValueCreated)
        {
            _inProcess.Value?.Dispose();
        }
    }
}
