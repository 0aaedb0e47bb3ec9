using Paas.Builder;
using Paas.Controller;

namespace Paas.Server;

/// <summary>With the builder in the controller's process: a destroyed app's git repository and build caches go with it.</summary>
internal sealed class BuilderAppCleanup(BuilderAppData data) : IAppDestroyedListener
{
    public Task AppDestroyedAsync(string app, CancellationToken cancellationToken) => data.DeleteAsync(app, cancellationToken);
}
