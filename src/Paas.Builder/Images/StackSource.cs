using Microsoft.Extensions.Options;

namespace Paas.Builder;

/// <summary>The configured stack (<see cref="BuilderOptions.StackImage"/>), read once on first use; null when none is configured.</summary>
internal sealed class StackSource(IOptions<BuilderOptions> options)
{
    private readonly Lazy<StackImage?> _stack = new(() => options.Value.StackImage is { Length: > 0 } layout ? StackImage.Load(layout) : null);

    /// <summary>The stack, or null when builds make slug-only images.</summary>
    /// <exception cref="InvalidDataException">The layout is not readable (validation at start reports this first).</exception>
    public StackImage? Stack => _stack.Value;
}
