package dev.sluice.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node of the parsed config that knows its YAML path, so every typed read names the path of a
 * value it refuses. Reads of optional values return empty for a missing or null node.
 */
record ConfigNode(String path, JsonNode node) {

    static ConfigNode root(JsonNode node) {
        return new ConfigNode("", node);
    }

    ConfigNode get(String key) {
        JsonNode child = node.isObject() ? node.get(key) : null;
        return new ConfigNode(path.isEmpty() ? key : path + "." + key, child == null ? MissingNode.getInstance() : child);
    }

    boolean isAbsent() {
        return node.isMissingNode() || node.isNull();
    }

    ConfigException invalid(String problem) {
        return new ConfigException(path, problem);
    }

    ObjectNode object() {
        if (isAbsent()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw invalid("expected a mapping of keys to values");
        }
        return (ObjectNode) node;
    }

    List<ConfigNode> list() {
        if (isAbsent()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("expected a list");
        }
        List<ConfigNode> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            items.add(new ConfigNode(path + "[" + i + "]", node.get(i)));
        }
        return items;
    }

    Iterator<Map.Entry<String, JsonNode>> fields() {
        return object().fields();
    }

    Optional<String> text() {
        if (isAbsent()) {
            return Optional.empty();
        }
        if (!node.isValueNode() || node.isBoolean()) {
            throw invalid("expected a string");
        }
        return Optional.of(node.asText());
    }

    String requiredText(String expected) {
        return text().filter(value -> !value.isBlank()).orElseThrow(() -> invalid("expected " + expected));
    }

    Optional<Double> number() {
        if (isAbsent()) {
            return Optional.empty();
        }
        if (node.isNumber()) {
            return Optional.of(node.asDouble());
        }
        if (node.isTextual()) {
            try {
                return Optional.of(Double.parseDouble(node.asText().trim()));
            } catch (NumberFormatException e) {
                throw invalid("expected a number, got \"" + node.asText() + "\"");
            }
        }
        throw invalid("expected a number");
    }

    Optional<Double> nonNegative() {
        Optional<Double> value = number();
        if (value.isPresent() && value.get() < 0) {
            throw invalid("must not be negative, got " + value.get());
        }
        return value;
    }

    Optional<Long> wholeNumber() {
        Optional<Double> value = nonNegative();
        if (value.isPresent() && value.get() != Math.floor(value.get())) {
            throw invalid("expected a whole number, got " + value.get());
        }
        return value.map(Double::longValue);
    }

    /** Seconds, as LiteLLM's timeouts are given: a number, possibly fractional. */
    Optional<Duration> seconds() {
        Optional<Double> value = nonNegative();
        if (value.isPresent() && value.get() == 0) {
            throw invalid("must be more than 0 seconds");
        }
        return value.map(s -> Duration.ofMillis(Math.round(s * 1000)));
    }

    Optional<Boolean> bool() {
        if (isAbsent()) {
            return Optional.empty();
        }
        if (node.isBoolean()) {
            return Optional.of(node.asBoolean());
        }
        if (node.isTextual() && (node.asText().equalsIgnoreCase("true") || node.asText().equalsIgnoreCase("false"))) {
            return Optional.of(Boolean.parseBoolean(node.asText()));
        }
        throw invalid("expected true or false");
    }
}
