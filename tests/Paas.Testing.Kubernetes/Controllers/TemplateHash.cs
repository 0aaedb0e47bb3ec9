using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>The <c>pod-template-hash</c>: FNV-32a of the template, its decimal digits mapped to Kubernetes' safe alphabet (10 characters or fewer).</summary>
public static class TemplateHash
{
    private const string Alphanumerics = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The hash of a pod template.</summary>
    public static string Compute(JsonNode template, long collisionCount = 0)
    {
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(template.ToJsonString() + collisionCount.ToString(CultureInfo.InvariantCulture)))
        {
            hash ^= b;
            hash *= 16777619;
        }

        var digits = hash.ToString(CultureInfo.InvariantCulture);
        return new string([.. digits.Select(c => Alphanumerics[c % Alphanumerics.Length])]);
    }
}
