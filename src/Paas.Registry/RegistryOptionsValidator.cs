using Microsoft.Extensions.Options;

namespace Paas.Registry;

/// <summary>Checks <see cref="RegistryOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.RootDirectory) && string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("Registry:RootDirectory or Registry:DataDirectory must be set.");
        }

        if (options.MaxManifestBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"Registry:MaxManifestBytes must be between 1024 and 67108864 bytes, not {options.MaxManifestBytes}.");
        }

        if (string.IsNullOrWhiteSpace(options.Service) || options.Service.Contains('"', StringComparison.Ordinal))
        {
            errors.Add("Registry:Service must be a non-empty string without quotes.");
        }

        if (options.TokenRealm is not null && !Uri.TryCreate(options.TokenRealm, UriKind.Absolute, out _))
        {
            errors.Add($"Registry:TokenRealm must be an absolute URL, not '{options.TokenRealm}'.");
        }

        if (options.TokenSigningKey is not null)
        {
            var bytes = new byte[options.TokenSigningKey.Length];
            if (!Convert.TryFromBase64String(options.TokenSigningKey, bytes, out var length) || length < 32)
            {
                errors.Add("Registry:TokenSigningKey must be base64 of at least 32 bytes.");
            }
        }

        if (options.TokenLifetime < TimeSpan.FromSeconds(10) || options.TokenLifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"Registry:TokenLifetime must be between 00:00:10 and 1.00:00:00, not {options.TokenLifetime}.");
        }

        if (options.AuthCacheLifetime < TimeSpan.Zero || options.AuthCacheLifetime > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Registry:AuthCacheLifetime must be between 00:00:00 (off) and 00:01:00, not {options.AuthCacheLifetime}.");
        }

        if (options.UploadExpiry < TimeSpan.FromSeconds(1) || options.UploadExpiry > TimeSpan.FromDays(30))
        {
            errors.Add($"Registry:UploadExpiry (PAAS_REGISTRY_UPLOAD_EXPIRY) must be between 00:00:01 and 30.00:00:00, not {options.UploadExpiry}.");
        }

        if (options.MaxOpenUploadsPerRepository is < 1 or > 100_000)
        {
            errors.Add($"Registry:MaxOpenUploadsPerRepository (PAAS_REGISTRY_MAX_OPEN_UPLOADS) must be between 1 and 100000, not {options.MaxOpenUploadsPerRepository}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
