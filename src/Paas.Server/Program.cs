using Paas.Server;

// paasd: the platform executable. Every server part runs in this one process (see README "Architecture").
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

    try
    {
        await platform.StartAsync();
    }
    catch (IOException e)
    {
        Console.Error.WriteLine($"paasd: cannot listen: {e.Message}. Is another paasd running? Choose other ports with PAAS_API_PORT and friends.");
        return 71; // EX_OSERR
    }

    Console.WriteLine($"paasd: controller API listening on {platform.ApiUrl}, registry on {platform.RegistryUrl}");
    await platform.WaitForShutdownAsync();
    return 0;
}
