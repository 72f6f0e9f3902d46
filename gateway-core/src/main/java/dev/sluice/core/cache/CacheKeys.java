package dev.sluice.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cached answer's key: a SHA-256 of the request's canonical form (object keys sorted, so key
 * order and whitespace do not matter) without the parameters that do not change the answer
 * (streaming, the cache's own controls, metadata, the end user's id, fallbacks), of the model
 * group it routes to (so an alias and its group share answers), of the operation, and of the
 * scope: by default the caller's team, else its key, so no tenant reads another's answers.
 */
public final class CacheKeys {

    /** Request parameters that do not change the answer. */
    private static final Set<String> IGNORED = Set.of("stream", "stream_options", "cache", "metadata", "user",
            "fallbacks", "num_retries", "tags", "drop_params", "model");

    private CacheKeys() {
    }

    /**
     * @param request   the request
     * @param group     the model group it routes to
     * @param caller    who is calling
     * @param scope     {@code team}, {@code key} or {@code global}
     * @param namespace the configured and the request's namespace, joined
     * @return the key
     */
    public static String of(ModelRequest request, String group, Principal caller, String scope, String namespace) {
        String tenant = switch (scope) {
            case "global" -> "global";
            case "key" -> "key:" + caller.subject();
            default -> caller.teamId().map(team -> "team:" + team).orElse("key:" + caller.subject());
        };
        StringBuilder canonical = new StringBuilder(256);
        canonical.append(tenant).append('\n').append(group).append('\n').append(request.operation()).append('\n');
        ObjectNode body = request.body();
        for (String field : new TreeSet<>(fieldNames(body))) {
            if (!IGNORED.contains(field)) {
                canonical.append(field).append('=');
                append(body.get(field), canonical);
                canonical.append('\n');
            }
        }
        String hash = sha256(canonical.toString());
        return namespace.isEmpty() ? "sluice:cache:" + hash : namespace + ":sluice:cache:" + hash;
    }

    private static Set<String> fieldNames(ObjectNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Writes a node with its object keys sorted, so that key order never changes a key. */
    private static void append(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            boolean first = true;
            for (String field : fieldNames((ObjectNode) node)) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(JsonNodeFactory.instance.textNode(field)).append(':');
                append(node.get(field), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                append(array.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
