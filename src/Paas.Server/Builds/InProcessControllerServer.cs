using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;
using Paas.Builder;

namespace Paas.Server;

/// <summary>
/// The controller host's server when the builder shares the process: Kestrel, as before, plus an in-memory server over the
/// same request pipeline (ASP.NET Core's <see cref="TestServer"/>, a maintained in-memory <see cref="IServer"/>), whose
/// handler the builder's API client uses (<see cref="IInProcessController"/>). A push's calls to the controller (permission
/// checks, config vars, the build record, the app) then go through the same endpoints, filters and checks without a
/// loopback connection each. <see cref="Features"/> are Kestrel's, so the addresses the host reports are unchanged.
/// </summary>
internal sealed class InProcessControllerServer : IServer, IInProcessController
{
    private readonly IServer _kestrel;
    private readonly TestServer _memory;

    /// <summary>Wraps <paramref name="kestrel"/>; the in-memory server is made over <paramref name="services"/>.</summary>
    public InProcessControllerServer(IServer kestrel, IServiceProvider services)
    {
        _kestrel = kestrel;
        _memory = new TestServer(services, Options.Create(new TestServerOptions { AllowSynchronousIO = false, PreserveExecutionContext = false }));
    }

    /// <inheritdoc />
    public IFeatureCollection Features => _kestrel.Features;

    /// <inheritdoc />
    public HttpMessageHandler CreateHandler() =>
        _memory.CreateHandler(context => context.Connection.RemoteIpAddress = IPAddress.Loopback); // as the loopback call was: throttles and logs see 127.0.0.1

    /// <inheritdoc />
    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        await ((IServer)_memory).StartAsync(application, cancellationToken).ConfigureAwait(false);
        await _kestrel.StartAsync(application, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _kestrel.StopAsync(cancellationToken).ConfigureAwait(false);
        await ((IServer)_memory).StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _kestrel.Dispose();
        _memory.Dispose();
    }
}
