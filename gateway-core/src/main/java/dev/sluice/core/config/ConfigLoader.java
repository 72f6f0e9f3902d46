package dev.sluice.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.api.Deployment;
import dev.sluice.api.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Reads LiteLLM's {@code config.yaml} into a validated {@link GatewayConfig}. */
public final class ConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);

    private ConfigLoader() {
    }

    /**
     * @param file        the config file
     * @param environment the process environment, for {@code os.environ/NAME} and the variables
     *                    LiteLLM honours ({@code LITELLM_MASTER_KEY}, {@code DATABASE_URL})
     * @return the config
     * @throws ConfigException naming the YAML path of the first invalid value
     */
    public static GatewayConfig load(Path file, Map<String, String> environment) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), environment);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "no such config file");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot be read: " + e.getMessage());
        }
    }

    /** As {@link #load(Path, Map)}, from the YAML text. */
    public static GatewayConfig parse(String yaml, Map<String, String> environment) {
        JsonNode tree;
        try {
            tree = yaml.isBlank() ? JsonNodeFactory.instance.objectNode() : YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("(config)", "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = JsonNodeFactory.instance.objectNode();
        }
        ConfigNode root = ConfigNode.root(tree);
        root.object();
        List<String> notices = new ArrayList<>();
        Map<String, String> env = new HashMap<>(environment);
        root.get("environment_variables").fields().forEachRemaining(entry -> {
            if (!entry.getValue().isValueNode()) {
                throw new ConfigException("environment_variables." + entry.getKey(), "expected a string");
            }
            env.put(entry.getKey(), entry.getValue().asText());
        });
        new EnvironmentResolver(env, notices).resolve(tree, "");

        checkKeys(root, KnownKeys.TOP_SUPPORTED, KnownKeys.TOP_NOT_YET, notices);
        checkKeys(root.get("general_settings"), KnownKeys.GENERAL_SUPPORTED, KnownKeys.GENERAL_NOT_YET, notices);
        checkKeys(root.get("litellm_settings"), KnownKeys.LITELLM_SUPPORTED, KnownKeys.LITELLM_NOT_YET, notices);
        checkKeys(root.get("router_settings"), KnownKeys.ROUTER_SUPPORTED, KnownKeys.ROUTER_NOT_YET, notices);

        Duration timeout = root.get("router_settings").get("timeout").seconds()
                .or(() -> root.get("litellm_settings").get("request_timeout").seconds())
                .orElse(DEFAULT_TIMEOUT);
        RouterSettings router = new RouterSettingsReader(root.get("router_settings"), root.get("litellm_settings")).read();
        List<DeploymentConfig> models = modelList(root.get("model_list"), timeout, router.streamTimeout());
        boolean dropParams = root.get("litellm_settings").get("drop_params").bool().orElse(false);
        if (dropParams) {
            // Provider plugins read drop_params from the deployment: the global setting is every one's default.
            models.forEach(model -> model.deployment().extraParams().putIfAbsent("drop_params", BooleanNode.TRUE));
        }
        ModelEntryReader modelEntries = new ModelEntryReader(timeout, router.streamTimeout(), dropParams, env);
        CacheSettings cache = CacheSettingsReader.read(root.get("litellm_settings"), env);
        return new GatewayConfig(models, general(root.get("general_settings"), env), router, cache,
                redisTarget(root.get("router_settings"), cache, env), timeout,
                ObservabilitySettings.read(root, env, notices), modelEntries,
                UpstreamTls.read(root.get("litellm_settings"), Optional.ofNullable(env.get("SSL_CERT_FILE"))
                        .or(() -> Optional.ofNullable(env.get("REQUESTS_CA_BUNDLE")))),
                costMapUrl(env),
                budgetExceededStatus(root.get("litellm_settings").get("budget_exceeded_status_code")),
                PassThroughReader.read(root.get("general_settings"), env), pluginSettings(root.get("plugin_settings")),
                GuardrailConfig.read(root), notices);
    }

    private static int budgetExceededStatus(ConfigNode status) {
        long value = status.wholeNumber().orElse(422L);
        if (value < 400 || value > 599) {
            throw new ConfigException(status.path(), "expected an HTTP error status (400-599), e.g. 422 or 429");
        }
        return (int) value;
    }

    /** LiteLLM's {@code LITELLM_MODEL_COST_MAP_URL}, unless {@code LITELLM_LOCAL_MODEL_COST_MAP} asks for the shipped map. */
    static Optional<String> costMapUrl(Map<String, String> env) {
        boolean localOnly = Boolean.parseBoolean(env.getOrDefault("LITELLM_LOCAL_MODEL_COST_MAP", "false"));
        return Optional.ofNullable(env.get("LITELLM_MODEL_COST_MAP_URL")).map(String::strip)
                .filter(value -> !value.isEmpty() && !localOnly);
    }

    /** {@code plugin_settings}: an object per plugin id, handed to the plugin ({@code Configurable}). */
    private static Map<String, ObjectNode> pluginSettings(ConfigNode section) {
        Map<String, ObjectNode> settings = new HashMap<>();
        section.fields().forEachRemaining(entry -> {
            if (!(entry.getValue() instanceof ObjectNode values)) {
                throw new ConfigException(section.path() + "." + entry.getKey(),
                        "expected an object of the plugin's settings (name: value)");
            }
            settings.put(entry.getKey(), values);
        });
        return settings;
    }

    /** See {@link RedisTarget}: the router's Redis, else the cache's, else the environment's. */
    private static Optional<RedisTarget> redisTarget(ConfigNode router, CacheSettings cache, Map<String, String> env) {
        Optional<String> url = router.get("redis_url").text().filter(value -> !value.isBlank());
        Optional<String> host = router.get("redis_host").text().filter(value -> !value.isBlank());
        if (url.isPresent() || host.isPresent()) {
            return Optional.of(new RedisTarget(url, host.orElse("127.0.0.1"),
                    router.get("redis_port").wholeNumber().map(Long::intValue).orElse(6379),
                    router.get("redis_password").text().filter(value -> !value.isBlank())));
        }
        if (cache.enabled() && cache.type().equals("redis")) {
            var params = cache.params();
            return Optional.of(new RedisTarget(Optional.ofNullable(params.path("url").textValue()),
                    params.path("host").asText("127.0.0.1"), params.path("port").asInt(6379),
                    Optional.ofNullable(params.path("password").textValue())));
        }
        Optional<String> envUrl = Optional.ofNullable(env.get("REDIS_URL")).filter(value -> !value.isBlank());
        Optional<String> envHost = Optional.ofNullable(env.get("REDIS_HOST")).filter(value -> !value.isBlank());
        if (envUrl.isEmpty() && envHost.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RedisTarget(envUrl, envHost.orElse("127.0.0.1"),
                Integer.parseInt(env.getOrDefault("REDIS_PORT", "6379")),
                Optional.ofNullable(env.get("REDIS_PASSWORD")).filter(value -> !value.isBlank())));
    }

    private static void checkKeys(ConfigNode section, Set<String> supported, Set<String> notYet, List<String> notices) {
        section.fields().forEachRemaining(entry -> {
            String path = section.path().isEmpty() ? entry.getKey() : section.path() + "." + entry.getKey();
            if (notYet.contains(entry.getKey())) {
                notices.add(path + ": accepted, but not supported yet; it has no effect");
            } else if (!supported.contains(entry.getKey())) {
                notices.add(path + ": unknown key, ignored (check its spelling)");
            }
        });
    }

    private static GeneralSettings general(ConfigNode general, Map<String, String> env) {
        Optional<String> masterKey = general.get("master_key").text()
                .or(() -> Optional.ofNullable(env.get("LITELLM_MASTER_KEY"))).filter(key -> !key.isBlank());
        if (masterKey.isPresent() && !masterKey.get().startsWith("sk-")) {
            throw new ConfigException("general_settings.master_key", "must start with \"sk-\" (as LiteLLM's does)");
        }
        Optional<String> databaseUrl = general.get("database_url").text()
                .or(() -> Optional.ofNullable(env.get("DATABASE_URL"))).filter(url -> !url.isBlank());
        long maxBytes = general.get("max_request_size_mb").number()
                .map(mb -> {
                    if (mb <= 0) {
                        throw general.get("max_request_size_mb").invalid("must be more than 0");
                    }
                    return (long) (mb * 1024 * 1024);
                })
                .orElse(GeneralSettings.DEFAULT_MAX_REQUEST_BYTES);
        boolean openHealth = general.get("disable_auth_on_health_endpoint").bool().orElse(false);
        boolean noSpendLogs = general.get("disable_spend_logs").bool().orElse(false);
        boolean storeModels = general.get("store_model_in_db").bool()
                .orElseGet(() -> "true".equalsIgnoreCase(env.getOrDefault("STORE_MODEL_IN_DB", "")));
        Optional<Secret> saltKey = Optional.ofNullable(env.get("LITELLM_SALT_KEY")).filter(key -> !key.isBlank())
                .map(Secret::new);
        return new GeneralSettings(masterKey.map(Secret::new), databaseUrl.map(Secret::new), maxBytes, openHealth,
                noSpendLogs, storeModels, saltKey, ipRanges(general.get("allowed_ips")),
                ipRanges(general.get("trusted_proxies")), serverTls(general, env), timeouts(general, env));
    }

    /** Each may also come from the environment, as SLUICE_ and the key in capitals; the config wins. */
    private static GeneralSettings.ServerTimeouts timeouts(ConfigNode general, Map<String, String> env) {
        GeneralSettings.ServerTimeouts defaults = GeneralSettings.ServerTimeouts.DEFAULTS;
        return new GeneralSettings.ServerTimeouts(
                seconds(general, env, "request_header_timeout_seconds", defaults.requestHeaders(), false),
                seconds(general, env, "request_body_timeout_seconds", defaults.requestBody(), false),
                seconds(general, env, "shutdown_readiness_delay_seconds", defaults.readinessDrain(), true),
                seconds(general, env, "graceful_shutdown_seconds", defaults.shutdownGrace(), true));
    }

    private static java.time.Duration seconds(ConfigNode general, Map<String, String> env, String key,
                                              java.time.Duration fallback, boolean zeroAllowed) {
        String variable = "SLUICE_" + key.toUpperCase(java.util.Locale.ROOT);
        Optional<Double> value = general.get(key).number();
        if (value.isEmpty() && env.containsKey(variable)) {
            try {
                value = Optional.of(Double.parseDouble(env.get(variable).trim()));
            } catch (NumberFormatException e) {
                throw new ConfigException(variable, "must be a number of seconds");
            }
        }
        return value.map(seconds -> {
            if (seconds < 0 || (!zeroAllowed && seconds == 0) || seconds > 86_400) {
                throw new ConfigException("general_settings." + key, zeroAllowed ? "must be between 0 and 86400 seconds"
                        : "must be more than 0 and at most 86400 seconds");
            }
            return java.time.Duration.ofMillis((long) (seconds * 1000));
        }).orElse(fallback);
    }

    private static Optional<GeneralSettings.ServerTls> serverTls(ConfigNode general, Map<String, String> env) {
        Optional<String> cert = general.get("ssl_certfile_path").text()
                .or(() -> Optional.ofNullable(env.get("SSL_CERTFILE_PATH"))).filter(path -> !path.isBlank());
        Optional<String> key = general.get("ssl_keyfile_path").text()
                .or(() -> Optional.ofNullable(env.get("SSL_KEYFILE_PATH"))).filter(path -> !path.isBlank());
        if (cert.isPresent() != key.isPresent()) {
            throw general.get(cert.isPresent() ? "ssl_keyfile_path" : "ssl_certfile_path").invalid(
                    "HTTPS needs both ssl_certfile_path and ssl_keyfile_path");
        }
        for (String name : List.of("ssl_certfile_path", "ssl_keyfile_path")) {
            Optional<String> path = name.startsWith("ssl_cert") ? cert : key;
            if (path.isPresent() && !java.nio.file.Files.isReadable(Path.of(path.get()))) {
                throw general.get(name).invalid("cannot read " + path.get());
            }
        }
        return cert.map(path -> new GeneralSettings.ServerTls(Path.of(path), Path.of(key.orElseThrow())));
    }

    private static IpRanges ipRanges(ConfigNode list) {
        if (list.isAbsent()) {
            return IpRanges.NONE;
        }
        List<String> entries = new ArrayList<>();
        for (ConfigNode entry : list.list()) {
            entries.add(entry.requiredText("an IP address or CIDR range"));
        }
        return IpRanges.parse(entries, list.path());
    }

    private static List<DeploymentConfig> modelList(ConfigNode list, Duration defaultTimeout,
                                                    Optional<Duration> defaultStreamTimeout) {
        List<DeploymentConfig> deployments = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigNode entry : list.list()) {
            entry.object();
            DeploymentConfig deployment = deployment(entry, defaultTimeout, defaultStreamTimeout, deployments.size(), ids);
            if (!ids.add(deployment.deployment().id())) {
                throw entry.get("model_info").get("id").invalid("duplicate deployment id '"
                        + deployment.deployment().id() + "': every model_info.id must be unique");
            }
            deployments.add(deployment);
        }
        return deployments;
    }

    static DeploymentConfig deployment(ConfigNode entry, Duration defaultTimeout,
                                               Optional<Duration> defaultStreamTimeout, int index, Set<String> taken) {
        String modelName = entry.get("model_name").requiredText("a model name callers will use");
        ConfigNode params = entry.get("litellm_params");
        if (params.isAbsent()) {
            throw params.invalid("expected the deployment's settings (at least 'model')");
        }
        params.object();
        ConfigNode modelNode = params.get("model");
        String model = modelNode.requiredText("\"provider/model\", e.g. openai/gpt-4o-mini");
        String[] qualified = qualify(model);
        if (qualified == null) {
            throw modelNode.invalid("expected \"provider/model\", e.g. openai/gpt-4o-mini (got \"" + model + "\")");
        }
        Duration timeout = params.get("timeout").seconds().orElse(defaultTimeout);
        Duration streamTimeout = params.get("stream_timeout").seconds().or(() -> defaultStreamTimeout).orElse(timeout);
        Map<String, String> extraHeaders = new LinkedHashMap<>();
        params.get("extra_headers").fields().forEachRemaining(header -> {
            if (!header.getValue().isValueNode()) {
                throw new ConfigException(params.path() + ".extra_headers." + header.getKey(), "expected a string");
            }
            extraHeaders.put(header.getKey(), header.getValue().asText());
        });
        ObjectNode extraParams = JsonNodeFactory.instance.objectNode();
        params.fields().forEachRemaining(param -> {
            if (!KnownKeys.LITELLM_PARAMS_CONSUMED.contains(param.getKey()) && !param.getValue().isNull()) {
                extraParams.set(param.getKey(), param.getValue());
            }
        });
        ObjectNode modelInfo = entry.get("model_info").object().deepCopy();
        ConfigNode info = entry.get("model_info");
        for (String cost : List.of("input_cost_per_token", "output_cost_per_token", "max_tokens", "max_input_tokens",
                "max_output_tokens")) {
            info.get(cost).nonNegative();
        }
        Optional<String> apiBase = params.get("api_base").text().filter(base -> !base.isBlank());
        String id = info.get("id").text().filter(value -> !value.isBlank())
                .orElseGet(() -> {
                    String generated = generatedId(modelName, model, apiBase.orElse(""));
                    return taken.contains(generated) ? generated + "-" + index : generated;
                });
        modelInfo.put("id", id);
        Deployment deployment = new Deployment(id, modelName, qualified[0], qualified[1], apiBase,
                params.get("api_key").text().filter(key -> !key.isEmpty()).map(Secret::new),
                params.get("api_version").text(), timeout, streamTimeout, extraHeaders, extraParams, modelInfo);
        OptionalInt maxRetries = params.get("max_retries").wholeNumber()
                .map(value -> OptionalInt.of(value.intValue())).orElse(OptionalInt.empty());
        // LiteLLM reads rpm and tpm from litellm_params, or beside them on the entry.
        return new DeploymentConfig(deployment, params.get("rpm").wholeNumber().or(() -> entry.get("rpm").wholeNumber())
                .orElse(0L), params.get("tpm").wholeNumber().or(() -> entry.get("tpm").wholeNumber()).orElse(0L),
                params.get("weight").nonNegative().orElse(1.0),
                maxRetries, params.get("order").wholeNumber().map(Long::intValue).orElse(Integer.MAX_VALUE),
                UpstreamTls.read(params, Optional.empty()));
    }

    /**
     * Splits {@code provider/model}. Like LiteLLM, a bare name of a well-known model family
     * ({@code gpt-4o}, {@code claude-…}, {@code gemini-…}) implies its vendor.
     */
    static String[] qualify(String model) {
        int slash = model.indexOf('/');
        if (slash > 0 && slash < model.length() - 1) {
            return new String[] {model.substring(0, slash), model.substring(slash + 1)};
        }
        if (slash >= 0) {
            return null;
        }
        for (String prefix : List.of("gpt-", "o1", "o3", "o4", "chatgpt-", "text-embedding-", "davinci", "babbage")) {
            if (model.startsWith(prefix)) {
                return new String[] {"openai", model};
            }
        }
        if (model.startsWith("claude-")) {
            return new String[] {"anthropic", model};
        }
        if (model.startsWith("gemini-")) {
            return new String[] {"gemini", model};
        }
        return null;
    }

    /** A stable id for a deployment without {@code model_info.id}: the same config gives the same id. */
    private static String generatedId(String modelName, String model, String apiBase) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] hash = digest.digest((modelName + "\n" + model + "\n" + apiBase)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
