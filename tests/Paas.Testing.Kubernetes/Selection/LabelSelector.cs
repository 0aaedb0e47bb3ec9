using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Selection;

/// <summary>A parsed label selector: requirements ANDed.</summary>
public sealed class LabelSelector
{
    private readonly List<(string Key, string Op, HashSet<string> Values)> _requirements = [];

    /// <summary>Whether it selects everything.</summary>
    public bool IsEmpty => _requirements.Count == 0;

    /// <summary>Parses the query syntax: <c>a=b,c==d,e!=f,g in (h,i),j notin (k),l,!m</c>.</summary>
    /// <exception cref="ApiException">400 for a syntax error.</exception>
    public static LabelSelector Parse(string? text)
    {
        var s = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return s;
        }

        foreach (var raw in Split(text))
        {
            var part = raw.Trim();
            string key;
            string op;
            HashSet<string> values;
            var inIndex = IndexOfWord(part, " in ");
            var notinIndex = IndexOfWord(part, " notin ");
            if (notinIndex > 0 || inIndex > 0)
            {
                var isNot = notinIndex > 0;
                var i = isNot ? notinIndex : inIndex;
                key = part[..i].Trim();
                op = isNot ? "notin" : "in";
                var rest = part[(i + (isNot ? 7 : 4))..].Trim();
                if (!rest.StartsWith('(') || !rest.EndsWith(')'))
                {
                    throw Statuses.BadRequest($"unable to parse requirement: found '{rest}', expected: '('");
                }

                values = [.. rest[1..^1].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0)];
            }
            else if (part.Contains("!=", StringComparison.Ordinal))
            {
                var i = part.IndexOf("!=", StringComparison.Ordinal);
                (key, op, values) = (part[..i].Trim(), "!=", [part[(i + 2)..].Trim()]);
            }
            else if (part.Contains("==", StringComparison.Ordinal))
            {
                var i = part.IndexOf("==", StringComparison.Ordinal);
                (key, op, values) = (part[..i].Trim(), "=", [part[(i + 2)..].Trim()]);
            }
            else if (part.Contains('=', StringComparison.Ordinal))
            {
                var i = part.IndexOf('=', StringComparison.Ordinal);
                (key, op, values) = (part[..i].Trim(), "=", [part[(i + 1)..].Trim()]);
            }
            else if (part.StartsWith('!'))
            {
                (key, op, values) = (part[1..].Trim(), "!", []);
            }
            else
            {
                (key, op, values) = (part, "exists", []);
            }

            if (key.Length == 0 || key.Contains(' ', StringComparison.Ordinal))
            {
                throw Statuses.BadRequest($"unable to parse requirement: invalid label key \"{key}\"");
            }

            s._requirements.Add((key, op, values));
        }

        return s;
    }

    /// <summary>From a LabelSelector object (matchLabels and matchExpressions).</summary>
    public static LabelSelector FromObject(JsonObject? selector)
    {
        var s = new LabelSelector();
        if (selector is null)
        {
            return s;
        }

        foreach (var (k, v) in KubeJson.StringMap(selector["matchLabels"]))
        {
            s._requirements.Add((k, "=", [v]));
        }

        foreach (var e in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var op = KubeJson.Str(e, "operator") switch
            {
                "In" => "in",
                "NotIn" => "notin",
                "Exists" => "exists",
                "DoesNotExist" => "!",
                var other => other ?? "exists",
            };
            s._requirements.Add((KubeJson.Str(e, "key") ?? string.Empty, op, [.. (e["values"] as JsonArray ?? []).Select(x => x!.GetValue<string>())]));
        }

        return s;
    }

    /// <summary>Whether the labels satisfy every requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r.Op switch
    {
        "=" => labels.TryGetValue(r.Key, out var v) && r.Values.Contains(v),
        "!=" => !labels.TryGetValue(r.Key, out var v2) || !r.Values.Contains(v2),
        "in" => labels.TryGetValue(r.Key, out var v3) && r.Values.Contains(v3),
        "notin" => !labels.TryGetValue(r.Key, out var v4) || !r.Values.Contains(v4),
        "exists" => labels.ContainsKey(r.Key),
        "!" => !labels.ContainsKey(r.Key),
        _ => false,
    });

    /// <summary>The selector as <c>Scale.status.selector</c> renders it (<c>app=demo-app,type=web</c>).</summary>
    public static string Render(JsonObject? selector) =>
        string.Join(",", KubeJson.StringMap(selector?["matchLabels"]).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static int IndexOfWord(string s, string word) => s.IndexOf(word, StringComparison.Ordinal);

    private static IEnumerable<string> Split(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }
}
