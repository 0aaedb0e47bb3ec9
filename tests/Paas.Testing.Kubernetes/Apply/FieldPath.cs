namespace Paas.Testing.Kubernetes.Apply;

/// <summary>A path in a FieldsV1 tree: segments such as <c>f:spec</c>, <c>k:{"name":"web"}</c>, <c>v:"x"</c>.</summary>
/// <param name="Segments">The segments.</param>
public sealed record FieldPath(IReadOnlyList<string> Segments)
{
    /// <summary>The SSA notation used in conflict messages: <c>.spec.template.spec.containers[name="web"].image</c>.</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var s in Segments)
        {
            if (s.StartsWith("f:", StringComparison.Ordinal))
            {
                sb.Append('.').Append(s[2..]);
            }
            else if (s.StartsWith("k:", StringComparison.Ordinal))
            {
                var o = System.Text.Json.Nodes.JsonNode.Parse(s[2..])!.AsObject();
                sb.Append('[').Append(string.Join(",", o.Select(p => $"{p.Key}={p.Value!.ToJsonString()}"))).Append(']');
            }
            else if (s.StartsWith("v:", StringComparison.Ordinal))
            {
                sb.Append('[').Append(s[2..]).Append(']');
            }
        }

        return sb.ToString();
    }

    /// <summary>Equality by segments.</summary>
    public bool Equals(FieldPath? other) => other is not null && Segments.SequenceEqual(other.Segments);

    /// <inheritdoc/>
    public override int GetHashCode() => string.Join("\u0001", Segments).GetHashCode(StringComparison.Ordinal);
}
