namespace Paas.Testing.Kubernetes.Api;

/// <summary>One cause of an Invalid or Conflict Status.</summary>
/// <param name="Reason"><c>FieldValueInvalid</c>, <c>FieldValueRequired</c>, <c>FieldManagerConflict</c>...</param>
/// <param name="Message">The message (<c>Invalid value: -1: must be greater than or equal to 0</c>).</param>
/// <param name="Field">The field path (<c>spec.replicas</c>).</param>
public sealed record FieldCause(string Reason, string Message, string? Field);
