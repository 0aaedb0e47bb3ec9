namespace Paas.Builder;

/// <summary>
/// What the builder and the stack (<c>stack/build.sh</c>, <c>stack/README.md</c>) agree on. Changing one of these means
/// changing the stack too.
/// </summary>
internal static class StackContract
{
    /// <summary>The repository of the platform's registry the stack is imported into (by paasd at start).</summary>
    public const string Repository = "paas/stack";

    /// <summary>The launcher, the entrypoint of every image built on the stack.</summary>
    public const string Launcher = "/usr/local/bin/paas-launcher";

    /// <summary>The uid and gid of the stack's non-root user <c>paas</c> (HOME <c>/app</c>); it owns the slug.</summary>
    public const int UserId = 1000;

    /// <summary>The process types file the launcher reads (Procfile format, <c>type: command</c> per line, sorted by type).</summary>
    public const string ProcessTypesPath = "app/.paas/process-types";

    /// <summary>The manifest layer annotation that says what a layer the builder made holds.</summary>
    public const string LayerAnnotation = "io.paas.layer";

    /// <summary>The value of <see cref="LayerAnnotation"/> on the slug layer (the one the local runtime unpacks).</summary>
    public const string SlugLayer = "slug";

    /// <summary>The value of <see cref="LayerAnnotation"/> on the process types layer.</summary>
    public const string ProcessTypesLayer = "process-types";

    /// <summary><c>PATH</c> of images on the stack: the slug's folders (buildpack conventions) first, then the system's.</summary>
    public const string Path = "/app/.heroku/node/bin:/app/bin:/app/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}
