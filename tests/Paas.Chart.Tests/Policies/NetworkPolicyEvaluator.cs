using System.Net;
using System.Text.Json.Nodes;

namespace Paas.Chart.Tests.Policies;

/// <summary>
/// Decides whether NetworkPolicies let a connection through, by the rules of the Kubernetes documentation
/// ("Network Policies"): a pod selected by no policy of a direction is open in that direction; a selected one accepts
/// only what some rule of a selecting policy allows (peers: podSelector in the policy's namespace, namespaceSelector,
/// both, or ipBlock; ports by number and protocol). A connection needs the source's egress and the target's ingress.
/// </summary>
internal sealed class NetworkPolicyEvaluator(IEnumerable<JsonObject> policies)
{
    private readonly IReadOnlyList<JsonObject> _policies = [.. policies];

    public bool Allows(Peer from, Peer to, int port, string protocol = "TCP") =>
        Direction(from, to, port, protocol, "Egress", "egress", "to") && Direction(to, from, port, protocol, "Ingress", "ingress", "from");

    private bool Direction(Peer subject, Peer other, int port, string protocol, string type, string rulesKey, string peersKey)
    {
        if (subject.Namespace is null)
        {
            return true;
        }

        var selecting = _policies
            .Where(p => (string?)p["metadata"]!["namespace"] == subject.Namespace)
            .Where(p => Types(p).Contains(type) && Matches(p["spec"]!["podSelector"], subject.Labels))
            .ToList();
        if (selecting.Count == 0)
        {
            return true;
        }

        return selecting.Any(p => p["spec"]![rulesKey]?.AsArray().Any(rule =>
            PeerMatches(rule![peersKey], other, (string)p["metadata"]!["namespace"]!) && PortMatches(rule["ports"], port, protocol)) ?? false);
    }

    private static IEnumerable<string> Types(JsonObject policy) =>
        policy["spec"]!["policyTypes"]?.AsArray().Select(t => (string)t!)
        ?? (policy["spec"]!["egress"] is null ? ["Ingress"] : ["Ingress", "Egress"]);

    private static bool PeerMatches(JsonNode? peers, Peer other, string policyNamespace)
    {
        if (peers is not JsonArray list || list.Count == 0)
        {
            return true;
        }

        return list.Any(peer =>
        {
            if (peer!["ipBlock"] is { } block)
            {
                return other.Address is not null && InCidr(other.Address, (string)block["cidr"]!)
                    && !(block["except"]?.AsArray().Any(e => InCidr(other.Address, (string)e!)) ?? false);
            }

            if (other.Namespace is null)
            {
                return false;
            }

            var namespaceOk = peer["namespaceSelector"] is { } ns ? Matches(ns, other.NamespaceLabels) : other.Namespace == policyNamespace;
            var podOk = peer["podSelector"] is not { } pods || Matches(pods, other.Labels);
            return namespaceOk && podOk;
        });
    }

    private static bool PortMatches(JsonNode? ports, int port, string protocol) =>
        ports is not JsonArray list || list.Count == 0 || list.Any(p =>
            ((string?)p!["protocol"] ?? "TCP") == protocol && (p["port"] is null || (long)p["port"]! == port));

    /// <summary>A LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist); empty matches all.</summary>
    public static bool Matches(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is not JsonObject s)
        {
            return true;
        }

        var labelsOk = s["matchLabels"]?.AsObject().All(l => labels.TryGetValue(l.Key, out var v) && v == (string?)l.Value) ?? true;
        var expressionsOk = s["matchExpressions"]?.AsArray().All(e =>
        {
            var key = (string)e!["key"]!;
            var values = e["values"]?.AsArray().Select(v => (string)v!).ToHashSet() ?? [];
            var has = labels.TryGetValue(key, out var value);
            return (string)e["operator"]! switch
            {
                "In" => has && values.Contains(value!),
                "NotIn" => !has || !values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                var op => throw new NotSupportedException(op),
            };
        }) ?? true;
        return labelsOk && expressionsOk;
    }

    private static bool InCidr(string address, string cidr)
    {
        var parts = cidr.Split('/');
        var prefix = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var a = IPAddress.Parse(address).GetAddressBytes();
        var n = IPAddress.Parse(parts[0]).GetAddressBytes();
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
