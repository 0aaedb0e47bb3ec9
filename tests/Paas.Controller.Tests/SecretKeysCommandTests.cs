using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Data;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary><c>paasd secrets status|rotate</c>, the real executable, next to a running platform on the same data folder.</summary>
public sealed class SecretKeysCommandTests
{
    [Fact]
    public async Task Rotation_re_encrypts_every_stored_secret_with_a_new_key_that_the_running_platform_picks_up()
    {
        await using var platform = await TestPlatform.StartAsync();
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("shop"))).Read<AppInfo>(HttpStatusCode.Created);
        var (cert, key) = RoutingTests.SelfSigned("shop.example.test");
        await (await alice.Post("/v2/certs", new CertificateCreateRequest("shop-cert", cert, key))).Read<CertificateInfo>(HttpStatusCode.Created);
        var keys = platform.Services.GetRequiredService<SecretKeyRing>();
        var before = keys.PrimaryKeyId;

        var status = await PaasdAsync(platform, "secrets", "status");
        Assert.Equal(0, status.Code);
        Assert.Matches($@"{before}\s+1 secrets\s+\(encrypts\)", status.Output);

        var rotate = await PaasdAsync(platform, "secrets", "rotate");
        Assert.Equal(0, rotate.Code);
        Assert.Contains("Re-encrypted 1 of 1 stored secrets", rotate.Output, StringComparison.Ordinal);
        Assert.Contains($"Retired {before}", rotate.Output, StringComparison.Ordinal);

        // The running platform reads the changed key file: the certificate is readable, and new secrets use the new key.
        var stored = await platform.Services.GetRequiredService<RoutingStore>().FindCertificateAsync("shop-cert", TestContext.Current.CancellationToken);
        Assert.Equal(key, stored!.KeyPem);
        Assert.NotEqual(before, keys.PrimaryKeyId);
        Assert.DoesNotContain(before, await File.ReadAllTextAsync(keys.FilePath, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var usage = await PaasdAsync(platform, "secrets", "spin");
        Assert.Equal(64, usage.Code);
        Assert.Contains("usage: paasd secrets status | rotate | reencrypt", usage.Output, StringComparison.Ordinal);
    }

    private static Task<(int Code, string Output)> PaasdAsync(TestPlatform platform, params string[] args) =>
        PaasdCommand.RunAsync(new Dictionary<string, string> { ["PAAS_DATA_DIR"] = platform.DataDir }, args);
}
