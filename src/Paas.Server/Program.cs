using Paas.Registry.Gc;
using Paas.Router.Hosting;
using Paas.Server;

// paasd: the platform executable. By default every server part runs in this one process; --role (PAAS_ROLE) picks some (see README "Architecture").
var (platform, errors) = PaasPlatform.Create(args);
await using (platform)
{
    if (errors.Count > 0)
    {
        Console.Error.WriteLine("paasd: the configuration is not valid; nothing was started:");
        foreach (var error in errors)
        {
            Console.Error.WriteLine($"  - {error}");
        }

        return 78; // EX_CONFIG (sysexits.h)
    }

    if (args is ["registry", "gc", ..])
    {
        if (platform.RegistryServices is null)
        {
            Console.Error.WriteLine("paasd registry gc: this process's roles include no registry (PAAS_ROLE)");
            return 64; // EX_USAGE
        }

        return await CollectGarbageAsync(platform, delete: args.Contains("--delete"));
    }

    if (args is ["secrets", ..])
    {
        if (!platform.Roles.HasFlag(PlatformRoles.Controller))
        {
            Console.Error.WriteLine("paasd secrets: this process's roles include no controller (PAAS_ROLE); run it where the controller runs");
            return 64; // EX_USAGE
        }

        return await SecretsCommand.RunAsync(platform.Services, args[1..], Console.Out, Console.Error);
    }

    try
    {
        await platform.StartAsync();
    }
    catch (IOException e)
    {
        // Kestrel: "Failed to bind to address http://127.0.0.1:5000: address already in use."
        var port = System.Text.RegularExpressions.Regex.Match(e.Message, @":(\d{1,5})(?:[/:\]]|$)") is { Success: true } m && int.TryParse(m.Groups[1].Value, out var p) ? p : (int?)null;
        var advice = port is { } taken && platform.PortVariables.TryGetValue(taken, out var variable)
            ? $"Port {taken} is {variable}: stop what listens there (ss -ltnp 'sport = :{taken}' names it; on Debian a docker-registry service takes 5000) or set {variable} to a free port."
            : "Is another paasd running? Choose other ports with PAAS_API_PORT, PAAS_HTTP_PORT, PAAS_HTTPS_PORT, PAAS_REGISTRY_PORT.";
        Console.Error.WriteLine($"paasd: cannot listen: {e.Message} {advice}");
        return 71; // EX_OSERR
    }
    catch (HttpRequestException e)
    {
        Console.Error.WriteLine($"paasd: could not import the stack (PAAS_STACK_IMAGE) into the registry: {e.Message}");
        return 69; // EX_UNAVAILABLE
    }

    Console.WriteLine($"paasd: running {PlatformRoleNames.Format(platform.Roles)}");
    if (PaasPlatform.SocketCompletionsWarning(platform.Roles, SocketCompletions.Inline) is { } warning)
    {
        Console.Error.WriteLine($"paasd: warning: {warning}");
    }

    foreach (var line in platform.Describe())
    {
        Console.WriteLine($"paasd: {line}");
    }

    await platform.WaitForShutdownAsync();
    return 0;
}

// paasd registry gc [--delete]: lists (or, with --delete, removes) registry blobs that no manifest references.
static async Task<int> CollectGarbageAsync(PaasPlatform platform, bool delete)
{
    var collector = platform.RegistryServices!.GetRequiredService<RegistryGarbageCollector>();
    var result = await collector.CollectAsync(dryRun: !delete);
    foreach (var digest in result.Unreferenced)
    {
        Console.WriteLine($"{(delete ? "removed" : "would remove")} {digest}");
    }

    Console.WriteLine($"{result.Unreferenced.Count} unreferenced blobs ({result.Bytes:N0} bytes), {result.Referenced} in use, {result.SkippedYoung} spared as younger than an hour, {result.AbandonedUploads} abandoned uploads{(delete ? " removed" : "; dry run: add --delete to remove them")}");
    return 0;
}
