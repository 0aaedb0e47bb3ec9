using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Paas.Testing.Kubernetes.Json;
using Paas.Testing.Kubernetes.Selection;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>The filtering options of a LIST or watch: label and field selectors, limit and continue.</summary>
public sealed class ListQuery
{
    private readonly List<(string Field, bool Equal, string Value)> _fields = [];

    private ListQuery(LabelSelector labels, string? labelText, bool hasFieldSelector)
    {
        Labels = labels;
        LabelText = labelText;
        HasFieldSelector = hasFieldSelector;
    }

    /// <summary>The label selector.</summary>
    public LabelSelector Labels { get; }

    /// <summary>The label selector as sent.</summary>
    public string? LabelText { get; }

    /// <summary>Whether a field selector was sent.</summary>
    public bool HasFieldSelector { get; }

    /// <summary>Parses the query.</summary>
    public static ListQuery From(IQueryCollection q)
    {
        var labelText = q["labelSelector"].ToString();
        var fieldText = q["fieldSelector"].ToString();
        var lq = new ListQuery(LabelSelector.Parse(labelText), labelText.Length == 0 ? null : labelText, fieldText.Length > 0);
        foreach (var part in fieldText.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var notEqual = part.Contains("!=", StringComparison.Ordinal);
            var sep = notEqual ? "!=" : part.Contains("==", StringComparison.Ordinal) ? "==" : "=";
            var i = part.IndexOf(sep, StringComparison.Ordinal);
            if (i <= 0)
            {
                throw Statuses.BadRequest($"invalid selector: '{fieldText}'; can't understand '{part}'");
            }

            var field = part[..i].Trim();
            if (field is not ("metadata.name" or "metadata.namespace" or "spec.nodeName" or "status.phase" or "involvedObject.name" or "involvedObject.kind" or "involvedObject.uid" or "type" or "reason"))
            {
                throw Statuses.BadRequest($"field label not supported: {field}");
            }

            lq._fields.Add((field, !notEqual, part[(i + sep.Length)..].Trim()));
        }

        return lq;
    }

    /// <summary>Whether an object matches.</summary>
    public bool Matches(JsonObject o)
    {
        if (!Labels.Matches(KubeJson.Labels(o)))
        {
            return false;
        }

        foreach (var (field, equal, value) in _fields)
        {
            var actual = KubeJson.Str(o, field.Split('.')) ?? string.Empty;
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An opaque continue token for the item after <paramref name="lastKey"/>.</summary>
    public static string ContinueToken(long rv, string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"v\":\"meta.k8s.io/v1\",\"rv\":{rv.ToString(CultureInfo.InvariantCulture)},\"start\":{KubeJson.Quote(lastKey + "\u0000")}}}"));

    /// <summary>Decodes a continue token; 400 when malformed.</summary>
    public static string ContinueStart(string token)
    {
        try
        {
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)))!;
            return json["start"]!.GetValue<string>().TrimEnd('\u0000');
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or NullReferenceException or InvalidOperationException)
        {
            throw Statuses.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
    }
}
