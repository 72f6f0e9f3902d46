package dev.sluice.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static GatewayConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static ConfigException invalid(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml));
    }

    @Test
    void readsAModelListInLiteLlmsFormat() {
        GatewayConfig config = ConfigLoader.parse("""
                model_list:
                  - model_name: gpt-4o
                    litellm_params:
                      model: openai/gpt-4o
                      api_base: https://example.test/v1
                      api_key: os.environ/OPENAI_API_KEY
                      api_version: "2024-06-01"
                      timeout: 30
                      stream_timeout: 5.5
                      max_retries: 2
                      rpm: 100
                      tpm: 20000
                      weight: 3
                      extra_headers: {X-Team: search}
                      organization: org-1
                      temperature: 0.2
                    model_info:
                      id: gpt4o-east
                      mode: chat
                      input_cost_per_token: 0.0000025
                      owner: search-team
                """, Map.of("OPENAI_API_KEY", "sk-from-env"));
        DeploymentConfig entry = config.modelList().getFirst();
        Deployment deployment = entry.deployment();
        assertEquals("gpt4o-east", deployment.id());
        assertEquals("gpt-4o", deployment.modelGroup());
        assertEquals("openai", deployment.provider());
        assertEquals("gpt-4o", deployment.providerModel());
        assertEquals("https://example.test/v1", deployment.apiBase().orElseThrow());
        assertEquals("sk-from-env", deployment.apiKey().orElseThrow().value());
        assertEquals("2024-06-01", deployment.apiVersion().orElseThrow());
        assertEquals(Duration.ofSeconds(30), deployment.timeout());
        assertEquals(Duration.ofMillis(5500), deployment.streamTimeout());
        assertEquals(Map.of("X-Team", "search"), deployment.extraHeaders());
        assertEquals("org-1", deployment.extraParams().path("organization").asText());
        assertEquals(0.2, deployment.extraParams().path("temperature").asDouble());
        assertFalse(deployment.extraParams().has("rpm"), "router settings are not passed to providers");
        assertEquals("search-team", deployment.modelInfo().path("owner").asText());
        assertEquals(100, entry.rpm());
        assertEquals(20000, entry.tpm());
        assertEquals(3.0, entry.weight());
        assertEquals(2, entry.maxRetries().getAsInt());
    }

    @Test
    void anInvalidModelNamesItsYamlPath() {
        ConfigException e = invalid("""
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/a}
                  - model_name: b
                    litellm_params: {model: openai/b}
                  - model_name: c
                    litellm_params: {model: my-local-model}
                """);
        assertTrue(e.getMessage().startsWith("model_list[2].litellm_params.model: expected \"provider/model\""),
                e.getMessage());
    }

    @Test
    void otherInvalidValuesNameTheirPathsToo() {
        assertEquals("model_list[0].model_name",
                invalid("model_list: [{litellm_params: {model: openai/x}}]").path());
        assertEquals("model_list[0].litellm_params.rpm",
                invalid("model_list: [{model_name: x, litellm_params: {model: openai/x, rpm: lots}}]").path());
        assertEquals("model_list[0].litellm_params.timeout",
                invalid("model_list: [{model_name: x, litellm_params: {model: openai/x, timeout: -1}}]").path());
        assertEquals("general_settings.master_key", invalid("general_settings: {master_key: hunter2}").path());
        assertEquals("general_settings.max_request_size_mb",
                invalid("general_settings: {max_request_size_mb: 0}").path());
        assertEquals("model_list", invalid("model_list: {model_name: x}").path());
        assertTrue(invalid("model_list: [unclosed").getMessage().contains("not valid YAML"));
        assertEquals("plugin_settings.acme-provider", invalid("plugin_settings: {acme-provider: eu}").path());
    }

    @Test
    void passThroughEndpointsAreReadAsLiteLlmWritesThem() {
        GatewayConfig config = ConfigLoader.parse("""
                general_settings:
                  pass_through_endpoints:
                    - {path: /v1/rerank, target: "https://api.cohere.com/v1/rerank", include_subpath: true,
                       headers: {Authorization: "bearer os.environ/COHERE_API_KEY"}, cost_per_request: 0.5}
                """, Map.of("COHERE_API_KEY", "co-1", "ANTHROPIC_API_KEY", "sk-ant"));
        PassThroughEndpoint rerank = config.passThrough().stream().filter(e -> e.path().equals("/v1/rerank"))
                .findFirst().orElseThrow();
        assertEquals("bearer co-1", rerank.headers().get("Authorization"));
        assertTrue(rerank.includeSubpath() && rerank.auth());
        assertEquals(0, new java.math.BigDecimal("0.5").compareTo(rerank.costPerRequest()));
        PassThroughEndpoint anthropic = config.passThrough().stream().filter(e -> e.path().equals("/anthropic"))
                .findFirst().orElseThrow();
        assertEquals("sk-ant", anthropic.headers().get("x-api-key"));
        assertTrue(anthropic.missingKey().isEmpty());
        assertEquals(Optional.of("OPENAI_API_KEY"), config.passThrough().stream()
                .filter(e -> e.path().equals("/openai")).findFirst().orElseThrow().missingKey());
        assertFalse(rerank.toString().contains("co-1"), "headers hold keys: " + rerank);

        assertEquals("general_settings.pass_through_endpoints[0].path",
                invalid("general_settings: {pass_through_endpoints: [{path: v1, target: 'http://x'}]}").path());
        assertEquals("general_settings.pass_through_endpoints[0].target",
                invalid("general_settings: {pass_through_endpoints: [{path: /v1, target: 'ftp://x'}]}").path());
        assertEquals("general_settings.pass_through_endpoints[0].headers.X",
                invalid("general_settings: {pass_through_endpoints: [{path: /v1, target: 'http://x', "
                        + "headers: {X: 'Bearer os.environ/UNSET_VARIABLE'}}]}").path());
    }

    @Test
    void pluginSettingsAreReadPerPluginWithTheirVariablesResolved() {
        GatewayConfig config = ConfigLoader.parse("""
                plugin_settings:
                  acme-provider: {region: eu, token: os.environ/ACME_TOKEN}
                """, Map.of("ACME_TOKEN", "t-123"));
        assertEquals("t-123", config.pluginSettings().get("acme-provider").path("token").asText());
        assertEquals("eu", config.pluginSettings().get("acme-provider").path("region").asText());
        assertTrue(config.notices().isEmpty(), config.notices().toString());
    }

    @Test
    void duplicateDeploymentIdsAreRefused() {
        ConfigException e = invalid("""
                model_list:
                  - {model_name: a, litellm_params: {model: openai/a}, model_info: {id: same}}
                  - {model_name: b, litellm_params: {model: openai/b}, model_info: {id: same}}
                """);
        assertEquals("model_list[1].model_info.id", e.path());
    }

    @Test
    void generatedIdsAreStableAndDistinct() {
        String yaml = """
                model_list:
                  - {model_name: a, litellm_params: {model: openai/a}}
                  - {model_name: a, litellm_params: {model: openai/a}}
                """;
        GatewayConfig first = parse(yaml);
        GatewayConfig second = parse(yaml);
        assertEquals(first.modelList().get(0).deployment().id(), second.modelList().get(0).deployment().id());
        assertFalse(first.modelList().get(0).deployment().id().equals(first.modelList().get(1).deployment().id()));
    }

    @Test
    void unknownAndNotYetSupportedKeysAreNoticedNotFatal() {
        GatewayConfig config = parse("""
                litellm_settings: {set_verbose: true, colour: blue}
                router_settings: {cache_responses: true}
                general_settings: {proxy_batch_write_at: 10, alert_types: [fallback_reports]}
                credential_list: []
                """);
        assertTrue(config.notices().contains("litellm_settings.colour: unknown key, ignored (check its spelling)"),
                config.notices().toString());
        assertTrue(config.notices().contains("litellm_settings.set_verbose: accepted, but not supported yet; it has no effect"));
        assertTrue(config.notices().contains("router_settings.cache_responses: accepted, but not supported yet; it has no effect"));
        assertTrue(config.notices().contains("general_settings.proxy_batch_write_at: accepted, but not supported yet; it "
                + "has no effect"));
        assertTrue(config.notices().contains("general_settings.alert_types[0]: alert type 'fallback_reports' is accepted, "
                + "but not raised yet"), config.notices().toString());
        assertTrue(config.notices().contains("credential_list: accepted, but not supported yet; it has no effect"));
    }

    @Test
    void environmentReferencesResolveAnywhereAndUnsetOnesAreNoticed() {
        GatewayConfig config = ConfigLoader.parse("""
                environment_variables: {BASE_FROM_CONFIG: "http://from-config/v1"}
                model_list:
                  - model_name: x
                    litellm_params: {model: openai/x, api_base: os.environ/BASE_FROM_CONFIG, api_key: os.environ/MISSING_KEY}
                general_settings: {master_key: os.environ/MY_MASTER}
                """, Map.of("MY_MASTER", "sk-env-master"));
        assertEquals("http://from-config/v1", config.modelList().getFirst().deployment().apiBase().orElseThrow());
        assertTrue(config.modelList().getFirst().deployment().apiKey().isEmpty());
        assertEquals("sk-env-master", config.general().masterKey().orElseThrow().value());
        assertTrue(config.notices().stream().anyMatch(notice -> notice.contains("MISSING_KEY")), config.notices().toString());
    }

    @Test
    void liteLlmEnvironmentVariablesAreHonoured() {
        GatewayConfig config = ConfigLoader.parse("", Map.of("LITELLM_MASTER_KEY", "sk-m", "DATABASE_URL", "postgresql://db/x"));
        assertEquals("sk-m", config.general().masterKey().orElseThrow().value());
        assertEquals("postgresql://db/x", config.general().databaseUrl().orElseThrow().value());
    }

    @Test
    void defaultsApplyToAnEmptyConfig() {
        GatewayConfig config = parse("");
        assertTrue(config.modelList().isEmpty());
        assertTrue(config.general().masterKey().isEmpty());
        assertEquals(GeneralSettings.DEFAULT_MAX_REQUEST_BYTES, config.general().maxRequestBytes());
        assertEquals(Duration.ofSeconds(600), config.requestTimeout());
        assertEquals(RouterSettings.defaults(), config.router());
    }

    @Test
    void timeoutsFallBackFromDeploymentToRouterToLiteLlmSettings() {
        GatewayConfig config = parse("""
                litellm_settings: {request_timeout: 40}
                router_settings: {timeout: 20}
                model_list: [{model_name: x, litellm_params: {model: openai/x}}]
                """);
        assertEquals(Duration.ofSeconds(20), config.modelList().getFirst().deployment().timeout());
        assertEquals(Duration.ofSeconds(20), config.modelList().getFirst().deployment().streamTimeout());
    }

    @Test
    void bareNamesOfWellKnownFamiliesImplyTheirVendor() {
        assertEquals("openai", ConfigLoader.qualify("gpt-4o")[0]);
        assertEquals("anthropic", ConfigLoader.qualify("claude-sonnet-4")[0]);
        assertEquals("gemini", ConfigLoader.qualify("gemini-2.5-pro")[0]);
        assertEquals("hosted_vllm", ConfigLoader.qualify("hosted_vllm/meta/llama")[0]);
        assertEquals("meta/llama", ConfigLoader.qualify("hosted_vllm/meta/llama")[1]);
        assertEquals(null, ConfigLoader.qualify("llama3"));
        assertEquals(null, ConfigLoader.qualify("openai/"));
    }

    @Test
    void secretsDoNotShowInTheConfigsToString() {
        GatewayConfig config = parse("""
                general_settings: {master_key: sk-super-secret-master}
                model_list: [{model_name: x, litellm_params: {model: openai/x, api_key: sk-super-secret-provider}}]
                """);
        assertFalse(config.toString().contains("super-secret"), config.toString());
    }

    @Test
    void routerSettingsComeFromRouterSettingsOrLitellmSettingsTheFormerWinning() {
        RouterSettings router = parse("""
                model_list: [{model_name: a, litellm_params: {model: openai/a, stream_timeout: 9}}, {model_name: b, litellm_params: {model: openai/b}}]
                litellm_settings:
                  num_retries: 7
                  fallbacks: [{a: [b]}]
                  context_window_fallbacks: [{a: [b]}]
                router_settings:
                  num_retries: 1
                  stream_timeout: 30
                  retry_policy: {RateLimitErrorRetries: 4, TimeoutErrorRetries: 0}
                  allowed_fails_policy: {InternalServerErrorAllowedFails: 9}
                  model_group_alias: {alias: a, secret: {model: b, hidden: true}}
                  default_fallbacks: b
                """).router();
        assertEquals(1, router.numRetries());
        assertEquals(Map.of("a", java.util.List.of("b")), router.fallbacks());
        assertEquals(Map.of("a", java.util.List.of("b")), router.contextWindowFallbacks());
        assertEquals(List.of("b"), router.defaultFallbacks(), "a single name is a list of one");
        assertEquals(Map.of(FailureClass.RATE_LIMIT, 4, FailureClass.TIMEOUT, 0), router.retryPolicy());
        assertEquals(Map.of(FailureClass.INTERNAL_SERVER, 9), router.allowedFailsPolicy());
        assertEquals(new RouterSettings.GroupAlias("b", true), router.modelGroupAliases().get("secret"));
        GatewayConfig config = parse("""
                model_list: [{model_name: a, litellm_params: {model: openai/a, stream_timeout: 9}}, {model_name: b, litellm_params: {model: openai/b}}]
                router_settings: {stream_timeout: 30}
                """);
        assertEquals(Duration.ofSeconds(9), config.modelList().get(0).deployment().streamTimeout(), "its own wins");
        assertEquals(Duration.ofSeconds(30), config.modelList().get(1).deployment().streamTimeout());
    }

    @Test
    void aMistakeInTheRouterSettingsNamesItsPath() {
        ConfigException policy = assertThrows(ConfigException.class,
                () -> parse("router_settings: {retry_policy: {RateLimitRetries: 2}}"));
        assertTrue(policy.getMessage().startsWith("router_settings.retry_policy.RateLimitRetries: unknown failure class; "
                + "expected one of [BadRequestErrorRetries, "), policy.getMessage());
        ConfigException fallbacks = assertThrows(ConfigException.class,
                () -> parse("router_settings: {fallbacks: {a: [b]}}"));
        assertEquals("router_settings.fallbacks: expected a list", fallbacks.getMessage());
    }

    @Test
    void globalDropParamsIsEveryDeploymentsDefault() {
        GatewayConfig config = parse("""
                model_list:
                  - {model_name: a, litellm_params: {model: anthropic/a}}
                  - {model_name: b, litellm_params: {model: anthropic/b, drop_params: false}}
                litellm_settings: {drop_params: true}
                """);
        assertTrue(config.modelList().get(0).deployment().extraParams().path("drop_params").asBoolean());
        assertFalse(config.modelList().get(1).deployment().extraParams().path("drop_params").asBoolean(true),
                "a deployment's own setting wins");
    }

    @Test
    void cacheSettingsComeFromLitellmSettingsWithRedisFromTheEnvironment() {
        CacheSettings cache = ConfigLoader.parse("""
                litellm_settings:
                  cache: true
                  cache_params: {type: redis, ttl: 30, namespace: prod, supported_call_types: [acompletion, embedding],
                                 mode: default_off, scope: key}
                """, Map.of("REDIS_HOST", "redis.internal", "REDIS_PASSWORD", "s3cret")).cache();
        assertTrue(cache.enabled());
        assertEquals("redis", cache.type());
        assertEquals(Duration.ofSeconds(30), cache.ttl());
        assertEquals("prod", cache.namespace());
        assertEquals(Set.of(dev.sluice.api.ModelRequest.Operation.CHAT, dev.sluice.api.ModelRequest.Operation.EMBEDDING),
                cache.operations());
        assertFalse(cache.defaultOn());
        assertEquals("key", cache.scope());
        assertEquals("redis.internal", cache.params().path("host").asText());
        assertEquals("s3cret", cache.params().path("password").asText());
        assertFalse(parse("").cache().enabled());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> parse("litellm_settings: {cache: true, cache_params: {type: memcached}}"));
        assertEquals("litellm_settings.cache_params.type: expected local or redis (got 'memcached')", bad.getMessage());
        assertTrue(cache.localTier(), "answers are kept in process too unless told");
        assertFalse(parse("litellm_settings: {cache: true, cache_params: {type: redis, local_tier: false}}").cache()
                .localTier());
        ConfigException localOnly = assertThrows(ConfigException.class,
                () -> parse("litellm_settings: {cache: true, cache_params: {type: local, local_tier: false}}"));
        assertTrue(localOnly.getMessage().startsWith("litellm_settings.cache_params.local_tier: local_tier: false needs "
                + "type: redis"), localOnly.getMessage());
    }

    @Test
    void loggingCallbacksAreReadAsLiteLlmNamesThemWithTheirEventsAndSettings() {
        GatewayConfig config = ConfigLoader.parse("""
                litellm_settings:
                  callbacks: ["otel", "audit"]
                  success_callback: ["langfuse"]
                  failure_callback: ["langfuse", "errors"]
                  turn_off_message_logging: true
                callback_settings:
                  audit: {callback_type: generic_api, endpoint: "os.environ/AUDIT_URL", event_types: [llm_api_success],
                          batch_size: 10, flush_interval: 0.5}
                """, Map.of("AUDIT_URL", "https://logs.example.com/in"));
        List<CallbackConfig> loggers = config.observability().loggers();
        assertEquals(List.of("audit", "langfuse", "errors"), loggers.stream().map(CallbackConfig::name).toList(),
                "otel is the tracer, not a logger");
        CallbackConfig audit = loggers.get(0);
        assertEquals("generic_api", audit.type());
        assertEquals(Set.of(CallbackConfig.SUCCESS), audit.events(), "event_types narrows the events");
        assertEquals("https://logs.example.com/in", audit.settings().path("endpoint").asText());
        assertEquals(10, audit.batchSize());
        assertEquals(Duration.ofMillis(500), audit.flushInterval());
        assertEquals("langfuse", loggers.get(1).type(), "without callback_settings the name is the type");
        assertEquals(Set.of(CallbackConfig.SUCCESS, CallbackConfig.FAILURE), loggers.get(1).events());
        assertEquals(Set.of(CallbackConfig.FAILURE), loggers.get(2).events());
        assertFalse(config.observability().messageLogging());
    }

    @Test
    void loggingSettingsOutOfRangeAreRefusedNamingThem() {
        assertTrue(invalid("litellm_settings: {callbacks: [a]}\ncallback_settings: {a: {batch_size: 0}}").getMessage()
                .startsWith("callback_settings.a.batch_size"));
        assertTrue(invalid("litellm_settings: {callbacks: [a]}\ncallback_settings: {a: {event_types: [llm_api_start]}}")
                .getMessage().startsWith("callback_settings.a.event_types[0]"));
        assertTrue(invalid("litellm_settings: {callbacks: [a]}\ncallback_settings: {a: {queue_size: 5, batch_size: 10}}")
                .getMessage().startsWith("callback_settings.a.queue_size"));
    }
}
