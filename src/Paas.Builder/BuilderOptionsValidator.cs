using Microsoft.Extensions.Options;

namespace Paas.Builder;

/// <summary>Checks the settings that need more than a predicate: the stack layout must be readable when one is set.</summary>
internal sealed class BuilderOptionsValidator : IValidateOptions<BuilderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BuilderOptions options)
    {
        if (options.StackImage is not { Length: > 0 } layout)
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            _ = StackImage.Load(layout);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidDataException e)
        {
            return ValidateOptionsResult.Fail($"PAAS_STACK_IMAGE (Builder:StackImage) '{layout}' is not a usable stack: {e.Message}");
        }
    }
}
