package dev.sluice.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces every {@code os.environ/NAME} value in the config tree with the variable's value, as
 * LiteLLM does. An unset variable becomes null and draws a notice naming the path and the
 * variable (never a value).
 */
final class EnvironmentResolver {

    static final String PREFIX = "os.environ/";

    private final Map<String, String> environment;
    private final List<String> notices;

    EnvironmentResolver(Map<String, String> environment, List<String> notices) {
        this.environment = environment;
        this.notices = notices;
    }

    void resolve(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            for (String key : new ArrayList<>(iterable(object))) {
                String childPath = path.isEmpty() ? key : path + "." + key;
                JsonNode child = object.get(key);
                if (child.isTextual() && child.asText().startsWith(PREFIX)) {
                    String value = lookup(child.asText(), childPath);
                    if (value == null) {
                        object.putNull(key);
                    } else {
                        object.put(key, value);
                    }
                } else {
                    resolve(child, childPath);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                String childPath = path + "[" + i + "]";
                if (child.isTextual() && child.asText().startsWith(PREFIX)) {
                    String value = lookup(child.asText(), childPath);
                    if (value == null) {
                        array.setNull(i);
                    } else {
                        array.set(i, array.textNode(value));
                    }
                } else {
                    resolve(child, childPath);
                }
            }
        }
    }

    private String lookup(String reference, String path) {
        String name = reference.substring(PREFIX.length()).trim();
        String value = environment.get(name);
        if (value == null) {
            notices.add(path + ": environment variable " + name + " is not set; the value is left empty");
        }
        return value;
    }

    private static List<String> iterable(ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
