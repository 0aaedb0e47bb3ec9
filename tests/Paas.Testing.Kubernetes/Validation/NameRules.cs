using System.Text.RegularExpressions;
using Paas.Testing.Kubernetes.Api;

namespace Paas.Testing.Kubernetes.Validation;

/// <summary>The apimachinery name and label checks with their exact messages.</summary>
public static partial class NameRules
{
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private const string Dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string Dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1035LabelMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    private const string QualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    /// <summary>Checks an object name for its kind: Services DNS-1035 labels, Namespaces DNS-1123 labels, the rest DNS-1123 subdomains.</summary>
    public static IEnumerable<FieldCause> ObjectName(string kind, string name, string field = "metadata.name")
    {
        var (regex, message, max) = kind switch
        {
            "Service" => (Dns1035Label(), Dns1035LabelMessage, 63),
            "Namespace" => (Dns1123Label(), Dns1123LabelMessage, 63),
            _ => (Dns1123Subdomain(), Dns1123SubdomainMessage, 253),
        };
        if (name.Length > max)
        {
            yield return Invalid(field, name, $"must be no more than {max} characters");
        }

        if (!regex.IsMatch(name))
        {
            yield return Invalid(field, name, message);
        }
    }

    /// <summary>Checks a label map (keys are qualified names, values label values).</summary>
    public static IEnumerable<FieldCause> Labels(IReadOnlyDictionary<string, string> labels, string field)
    {
        foreach (var (key, value) in labels.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var namePart = key.Contains('/', StringComparison.Ordinal) ? key[(key.LastIndexOf('/') + 1)..] : key;
            var prefix = key.Contains('/', StringComparison.Ordinal) ? key[..key.LastIndexOf('/')] : null;
            if (namePart.Length == 0 || namePart.Length > 63 || !QualifiedNamePart().IsMatch(namePart))
            {
                yield return Invalid(field, key, namePart.Length > 63 ? "name part must be no more than 63 characters" : QualifiedNameMessage);
            }

            if (prefix is not null && (prefix.Length > 253 || !Dns1123Subdomain().IsMatch(prefix)))
            {
                yield return Invalid(field, key, "prefix part " + Dns1123SubdomainMessage);
            }

            if (value.Length > 63)
            {
                yield return Invalid(field, value, "must be no more than 63 characters");
            }

            if (!LabelValue().IsMatch(value))
            {
                yield return Invalid(field, value, LabelValueMessage);
            }
        }
    }

    /// <summary>Whether a container or port name is a DNS-1123 label.</summary>
    public static bool IsDns1123Label(string s) => s.Length <= 63 && Dns1123Label().IsMatch(s);

    /// <summary>An Invalid cause with a quoted string value.</summary>
    public static FieldCause Invalid(string field, string value, string detail) =>
        new("FieldValueInvalid", $"Invalid value: {Json.KubeJson.Quote(value)}: {detail}", field);
}
