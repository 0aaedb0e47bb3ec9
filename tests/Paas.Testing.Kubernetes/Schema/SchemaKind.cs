namespace Paas.Testing.Kubernetes.Schema;

/// <summary>How a (property) schema treats its value, for validation, merging and field ownership.</summary>
public enum SchemaKind
{
    /// <summary>Anything goes (no schema).</summary>
    Unknown,

    /// <summary>A struct with declared properties.</summary>
    Struct,

    /// <summary>A map (<c>additionalProperties</c>).</summary>
    Map,

    /// <summary>An array.</summary>
    List,

    /// <summary>A scalar (string, integer, number, boolean, int-or-string, quantity, time).</summary>
    Scalar,
}
