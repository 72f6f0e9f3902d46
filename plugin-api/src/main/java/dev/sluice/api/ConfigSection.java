package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One object of {@code config.yaml} handed to a plugin, e.g. a logger's entry under
 * {@code callback_settings}, with {@code os.environ/NAME} values already replaced by the
 * variables' values (so a value may be a secret: never log the values). The getters refuse a
 * value of the wrong type with an {@link IllegalArgumentException} naming the setting's full path
 * in {@code config.yaml}, which the gateway shows as the reason the plugin's entry is not served.
 *
 * @param path   where the object sits in {@code config.yaml}, e.g. {@code callback_settings.audit}
 * @param values the object (empty when the config has none)
 * @since 1.4.0
 */
public record ConfigSection(String path, ObjectNode values) {

    /** Checks the arguments; the values are copied, so a plugin cannot change another's view. */
    public ConfigSection {
        Objects.requireNonNull(path, "path");
        values = values == null ? JsonNodeFactory.instance.objectNode() : values.deepCopy();
    }

    /** @return the setting as given (a missing node when absent), for structured settings */
    public JsonNode get(String name) {
        return values.path(name);
    }

    /** @return whether the setting is given (and not null) */
    public boolean has(String name) {
        return !values.path(name).isMissingNode() && !values.path(name).isNull();
    }

    /** @return the text setting, if given */
    public Optional<String> text(String name) {
        if (!has(name)) {
            return Optional.empty();
        }
        JsonNode value = values.get(name);
        if (!value.isValueNode()) {
            throw wrong(name, "a string");
        }
        return Optional.of(value.asText());
    }

    /** @return the text setting, or the fallback when it is not given */
    public String text(String name, String fallback) {
        return text(name).orElse(fallback);
    }

    /**
     * A setting that may instead come from an environment variable, as LiteLLM's integrations take
     * their credentials ({@code LANGFUSE_PUBLIC_KEY}, {@code DD_API_KEY}, ...).
     *
     * @return the setting, else the variable; a blank value counts as absent
     */
    public Optional<String> text(String name, Map<String, String> environment, String variable) {
        return text(name).or(() -> Optional.ofNullable(environment.get(variable))).filter(value -> !value.isBlank());
    }

    /**
     * @param name  the setting the URL came from, for the error
     * @param value the URL as given
     * @return it as an http or https URI, without a trailing slash
     * @throws IllegalArgumentException naming the setting when it is not one
     */
    public java.net.URI httpUrl(String name, String value) {
        String url = value.strip().replaceAll("/+$", "");
        java.net.URI uri;
        try {
            uri = java.net.URI.create(url);
        } catch (IllegalArgumentException e) {
            throw invalid(name, "is not a URL");
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw invalid(name, "must be an http or https URL");
        }
        return uri;
    }

    /** @return the text setting; refused naming it when it is not given */
    public String requiredText(String name) {
        return text(name).filter(value -> !value.isBlank()).orElseThrow(() -> invalid(name, "is required"));
    }

    /** @return the whole-number setting, or the fallback when it is not given */
    public long number(String name, long fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode value = values.get(name);
        if (value.canConvertToExactIntegral() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.asText().strip());
            } catch (NumberFormatException e) {
                throw wrong(name, "a whole number");
            }
        }
        throw wrong(name, "a whole number");
    }

    /** @return the true/false setting, or the fallback when it is not given */
    public boolean flag(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode value = values.get(name);
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual() && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.asText());
        }
        throw wrong(name, "true or false");
    }

    /** @return the list-of-text setting, empty when it is not given; a single text is a list of one */
    public List<String> texts(String name) {
        if (!has(name)) {
            return List.of();
        }
        JsonNode value = values.get(name);
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (!value.isArray()) {
            throw wrong(name, "a list of strings");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isValueNode() || item.isNull()) {
                throw wrong(name, "a list of strings");
            }
            texts.add(item.asText());
        }
        return List.copyOf(texts);
    }

    /** @return the name-to-text setting (e.g. HTTP headers), empty when it is not given */
    public Map<String, String> textMap(String name) {
        if (!has(name)) {
            return Map.of();
        }
        JsonNode value = values.get(name);
        if (!value.isObject()) {
            throw wrong(name, "a map of names to strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                throw wrong(name, "a map of names to strings");
            }
            map.put(entry.getKey(), entry.getValue().asText());
        }
        return Map.copyOf(map);
    }

    /**
     * @param name   the setting
     * @param reason what is wrong with it, e.g. {@code "must be one of eu, us"}
     * @return an exception naming the setting's path in {@code config.yaml}, for a plugin's own checks
     */
    public IllegalArgumentException invalid(String name, String reason) {
        return new IllegalArgumentException(path + "." + name + ": " + reason);
    }

    private IllegalArgumentException wrong(String name, String expected) {
        return invalid(name, "expected " + expected + ", got "
                + values.get(name).getNodeType().name().toLowerCase(Locale.ROOT));
    }

    /** Never shows the values: settings may hold secrets. */
    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        values.fieldNames().forEachRemaining(names::add);
        return "ConfigSection[" + path + ", keys=" + names + "]";
    }
}
