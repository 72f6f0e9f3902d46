/**
 * The Sluice plugin API: everything a plugin author compiles against.
 *
 * <p>Extension points ({@link dev.sluice.api.ProviderAdapter}, {@link dev.sluice.api.AuthStrategy},
 * {@link dev.sluice.api.CacheBackend}, {@link dev.sluice.api.RoutingPolicy},
 * {@link dev.sluice.api.GatewayFilter}, {@link dev.sluice.api.CallLogger},
 * {@link dev.sluice.api.AlertChannel}, {@link dev.sluice.api.Guardrail}) are PF4J extension points; a plugin implements one and
 * annotates the class with {@code @org.pf4j.Extension}. Requests and responses travel as
 * immutable records whose payload is the OpenAI-shaped JSON body, so a provider plugin translates
 * between that canonical shape and its vendor's wire format and nothing else does.
 *
 * <p>The API follows semantic versioning ({@link dev.sluice.api.PluginApi#version()}); a plugin's
 * descriptor names the range it was built for and the gateway refuses one that does not fit.
 * Everything in this package is loaded from the gateway's class loader, as are Jackson, SLF4J and
 * the OpenTelemetry API: plugins declare them {@code provided} and never bundle them.
 */
package dev.sluice.api;
