namespace Paas.Scheduling;

/// <summary>One environment variable the platform sets for a process (see <see cref="DynoEnvironment"/>).</summary>
/// <param name="Name">The variable's name.</param>
/// <param name="Source">Where its value comes from.</param>
/// <param name="Value">Its value when <paramref name="Source"/> is <see cref="DynoValueSource.Release"/>; empty otherwise.</param>
public sealed record DynoVariable(string Name, DynoValueSource Source, string Value = "");
