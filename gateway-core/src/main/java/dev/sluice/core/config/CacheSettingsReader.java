package dev.sluice.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ModelRequest.Operation;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Reads {@link CacheSettings} from {@code litellm_settings}. */
final class CacheSettingsReader {

    private static final Map<String, Operation> CALL_TYPES = Map.of(
            "completion", Operation.CHAT, "acompletion", Operation.CHAT,
            "text_completion", Operation.TEXT_COMPLETION, "atext_completion", Operation.TEXT_COMPLETION,
            "embedding", Operation.EMBEDDING, "aembedding", Operation.EMBEDDING);

    private CacheSettingsReader() {
    }

    static CacheSettings read(ConfigNode litellm, Map<String, String> env) {
        boolean enabled = litellm.get("cache").bool().orElse(false);
        ConfigNode params = litellm.get("cache_params");
        ObjectNode given = params.object().deepCopy();
        String type = params.get("type").text().orElse("local");
        if (!type.equals("local") && !type.equals("redis")) {
            throw params.get("type").invalid("expected local or redis (got '" + type + "')");
        }
        if (type.equals("redis")) {
            fill(given, "host", env.get("REDIS_HOST"));
            fill(given, "port", env.get("REDIS_PORT"));
            fill(given, "password", env.get("REDIS_PASSWORD"));
            fill(given, "username", env.get("REDIS_USERNAME"));
            fill(given, "url", env.get("REDIS_URL"));
        }
        Duration ttl = params.get("ttl").seconds().orElse(Duration.ofSeconds(CacheSettings.DEFAULT_TTL_SECONDS));
        Set<Operation> operations = EnumSet.noneOf(Operation.class);
        ConfigNode types = params.get("supported_call_types");
        if (types.isAbsent()) {
            operations.addAll(EnumSet.allOf(Operation.class));
        }
        for (ConfigNode callType : types.list()) {
            String name = callType.requiredText("a call type");
            Operation operation = CALL_TYPES.get(name);
            if (operation == null) {
                throw callType.invalid("unknown call type '" + name + "'; expected one of "
                        + new java.util.TreeSet<>(CALL_TYPES.keySet()));
            }
            operations.add(operation);
        }
        String mode = params.get("mode").text().orElse("default_on");
        if (!mode.equals("default_on") && !mode.equals("default_off")) {
            throw params.get("mode").invalid("expected default_on or default_off");
        }
        String scope = params.get("scope").text().orElse("team");
        if (!Set.of("team", "key", "global").contains(scope)) {
            throw params.get("scope").invalid("expected team, key or global");
        }
        boolean localTier = params.get("local_tier").bool().orElse(true);
        if (!localTier && !type.equals("redis")) {
            throw params.get("local_tier").invalid("local_tier: false needs type: redis; a local cache is its local tier");
        }
        return new CacheSettings(enabled, type, given, ttl, params.get("namespace").text().orElse(""), operations,
                mode.equals("default_on"), scope, params.get("share_in_flight").bool().orElse(true), localTier);
    }

    private static void fill(ObjectNode params, String key, String value) {
        if (!params.has(key) && value != null && !value.isBlank()) {
            params.put(key, value);
        }
    }
}
