namespace Paas.Controller;

/// <summary>A release was recorded but its deploy failed; answered as 422 with the release's version.</summary>
internal sealed class DeployFailedException(int version, string message) : Exception(message)
{
    public int Version { get; } = version;
}
