using System.Text.Json.Serialization;

namespace Paas.Server.Internal;

/// <summary><c>POST /internal/v1/registry/authenticate</c>: Basic credentials a registry client presented.</summary>
/// <param name="Username">The username (a platform user, <c>paas-service</c>, or an app's pull credential <c>paas-pull+APP</c>).</param>
/// <param name="Secret">The password: an API token or a service secret.</param>
internal sealed record RegistryAuthenticateRequest(string Username, string Secret);

/// <summary>The answer: the registry principal's name, or null when the credentials are not valid (the registry answers 401).</summary>
/// <param name="Principal">The principal name, e.g. <c>alice</c>, <c>paas:service</c>, <c>paas:pull:hello</c>.</param>
internal sealed record RegistryAuthenticateResponse(string? Principal);

/// <summary><c>POST /internal/v1/registry/authorize</c>: may <paramref name="Principal"/> do <paramref name="Action"/> on <paramref name="Repository"/>?</summary>
/// <param name="Principal">A principal name <see cref="RegistryAuthenticateResponse"/> gave.</param>
/// <param name="Repository">The repository, e.g. <c>hello</c> or <c>hello/web</c>.</param>
/// <param name="Action"><c>pull</c>, <c>push</c> or <c>delete</c>.</param>
internal sealed record RegistryAuthorizeRequest(string Principal, string Repository, string Action);

/// <summary>The answer.</summary>
/// <param name="Allowed">Whether the action is allowed.</param>
internal sealed record RegistryAuthorizeResponse(bool Allowed);

/// <summary><c>POST /internal/v1/logs</c>: lines for apps' logs from the parts without the log store (router, builder).</summary>
/// <param name="Lines">The lines, oldest first.</param>
internal sealed record AppLogBatch(IReadOnlyList<AppLogEntry> Lines);

/// <summary>One line of an app's log.</summary>
/// <param name="App">The app's name.</param>
/// <param name="Source">The source as <c>paas logs</c> shows it, e.g. <c>paas[router]</c>, <c>paas[builder]</c>.</param>
/// <param name="Line">The line.</param>
internal sealed record AppLogEntry(string App, string Source, string Line);

/// <summary>The internal contracts as JSON (camelCase, source generated).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RegistryAuthenticateRequest))]
[JsonSerializable(typeof(RegistryAuthenticateResponse))]
[JsonSerializable(typeof(RegistryAuthorizeRequest))]
[JsonSerializable(typeof(RegistryAuthorizeResponse))]
[JsonSerializable(typeof(AppLogBatch))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class InternalJsonContext : JsonSerializerContext;
