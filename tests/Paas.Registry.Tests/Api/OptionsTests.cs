using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paas.Registry.Storage;

namespace Paas.Registry.Tests.Api;

public sealed class OptionsTests
{
    [Fact]
    public void Bad_configuration_reports_every_error_at_once()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registry:MaxManifestBytes"] = "10",
            ["Registry:TokenRealm"] = "not a url",
            ["Registry:TokenSigningKey"] = "c2hvcnQ=",
            ["Registry:TokenLifetime"] = "00:00:01",
            ["Registry:AuthCacheLifetime"] = "00:05:00",
            ["Registry:UploadExpiry"] = "00:00:00",
            ["Registry:MaxOpenUploadsPerRepository"] = "0",
        }).Build();
        using var services = new ServiceCollection().AddPaasRegistry(config).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RegistryOptions>>().Value);
        Assert.Equal(7, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("PAAS_REGISTRY_UPLOAD_EXPIRY", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("PAAS_REGISTRY_MAX_OPEN_UPLOADS", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_put_storage_under_the_data_directory_and_pieces_can_be_replaced()
    {
        var root = Directory.CreateTempSubdirectory("paas-options-").FullName;
        try
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Registry:DataDirectory"] = root }).Build();
            var options = new RegistryOptions { DataDirectory = root };
            Assert.Equal(Path.Combine(root, "registry"), options.GetRootDirectory());
            Assert.Equal(4 * 1024 * 1024, options.MaxManifestBytes);
            Assert.Equal(TimeSpan.FromSeconds(5), options.AuthCacheLifetime);
            Assert.Equal(TimeSpan.FromHours(24), options.UploadExpiry);
            Assert.Equal(64, options.MaxOpenUploadsPerRepository);

            var replacement = new FileSystemStorageDriver(Path.Combine(root, "elsewhere"));
            using var services = new ServiceCollection()
                .AddSingleton<IRegistryStorageDriver>(replacement)
                .AddPaasRegistry(config)
                .BuildServiceProvider();
            Assert.Same(replacement, services.GetRequiredService<IRegistryStorageDriver>());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
