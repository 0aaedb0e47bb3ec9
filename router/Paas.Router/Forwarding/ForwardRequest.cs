using Paas.Router.Routing;

namespace Paas.Router.Forwarding;

/// <summary>What the pipeline hands to <see cref="IHttpForwarder"/> for one attempt.</summary>
/// <param name="DestinationPrefix"><c>http://host:port</c> of the selected endpoint.</param>
/// <param name="Timeouts">Connect, first byte and idle timeouts for the app.</param>
/// <param name="Headers">The Heroku-style request headers to add.</param>
internal readonly record struct ForwardRequest(string DestinationPrefix, ResolvedTimeouts Timeouts, ProxyHeaders Headers);
