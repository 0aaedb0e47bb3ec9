namespace Paas.Builder;

/// <summary>Why a build step stopped the build.</summary>
/// <param name="Failure">The kind of failure.</param>
/// <param name="Message">A reason a person can act on, shown after <c> !     </c>.</param>
internal sealed record BuildError(BuildFailure Failure, string Message);
