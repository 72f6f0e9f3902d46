package dev.sluice.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.core.config.TimeSpan;
import dev.sluice.core.store.ColumnType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads of an admin API body that refuse, with a 400 naming the field, what does not fit:
 * unknown fields, wrong types, negative amounts, bad durations. LiteLLM fields Sluice does not act
 * on yet are accepted only when empty, so a script that sends their defaults keeps working and one
 * that relies on them learns so.
 */
public record AdminBody(ObjectNode body) {

    /** The longest text each field's column holds; other text fields hold {@value #DEFAULT_MAX_TEXT}. */
    private static final Map<String, Integer> MAX_TEXT = Map.ofEntries(
            Map.entry("budget_id", 64), Map.entry("team_id", 64), Map.entry("team_alias", 256),
            Map.entry("user_id", 128), Map.entry("user_email", 320), Map.entry("user_role", 32),
            Map.entry("role", 32), Map.entry("key_alias", 256), Map.entry("alias", 256),
            Map.entry("default_model", 256), Map.entry("budget_duration", 16), Map.entry("model_name", 255),
            Map.entry("model_id", 255), Map.entry("end_user_id", 256), Map.entry("organization_id", 128));
    private static final int DEFAULT_MAX_TEXT = 1024;
    private static final int MAX_LIST_ITEMS = 10_000;
    /** numeric(20, 10): ten digits before the point, ten after. */
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("9999999999");
    private static final int AMOUNT_SCALE = 10;

    /**
     * @param known      the fields Sluice reads
     * @param notYet     LiteLLM's fields that Sluice does not act on yet
     * @throws GatewayException 400 for the first field that is neither, or a non-empty one of the second
     */
    public AdminBody requireOnly(Set<String> known, Set<String> notYet) {
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            if (known.contains(name)) {
                continue;
            }
            if (notYet.contains(name)) {
                JsonNode value = field.getValue();
                boolean empty = value.isNull() || (value.isContainerNode() && value.isEmpty())
                        || (value.isBoolean() && !value.asBoolean());
                if (!empty) {
                    throw invalid(name, "is not supported by Sluice yet; leave it out");
                }
                continue;
            }
            throw invalid(name, "is not a field of this endpoint");
        }
        return this;
    }

    /** @return whether the body sets the field, null included */
    public boolean has(String field) {
        return body.has(field);
    }

    /** @return the field's text; empty for absent or null */
    public Optional<String> text(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw invalid(field, "must be a string");
        }
        return Optional.of(checkedText(field, value.asText(), MAX_TEXT.getOrDefault(field, DEFAULT_MAX_TEXT)));
    }

    /**
     * Names, ids and aliases end up in database columns, response headers and log lines: control
     * characters (NUL above all, which PostgreSQL refuses) and text longer than the column are
     * refused here with the field's name, not by the database with a 500.
     *
     * @return the text
     * @throws GatewayException 400 naming the field
     */
    public static String checkedText(String field, String text, int maxLength) {
        if (text.length() > maxLength) {
            throw invalid(field, "is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw invalid(field, "contains a control character (U+" + String.format("%04X", (int) c)
                        + "); send printable text");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(++i)))) {
                throw invalid(field, "contains a lone UTF-16 surrogate; send valid Unicode text");
            }
        }
        return text;
    }

    /** @return the field as a non-negative amount in USD */
    public Optional<BigDecimal> amount(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber()) {
            throw invalid(field, "must be a number");
        }
        BigDecimal amount = value.decimalValue();
        if (amount.signum() < 0) {
            throw invalid(field, "must not be negative");
        }
        if (amount.compareTo(MAX_AMOUNT) > 0) {
            throw invalid(field, "must be at most " + MAX_AMOUNT.toPlainString() + " (USD)");
        }
        return Optional.of(amount.setScale(AMOUNT_SCALE, java.math.RoundingMode.HALF_UP).stripTrailingZeros());
    }

    /** @return the field as a non-negative whole number */
    public Optional<Long> count(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid(field, "must be a whole number");
        }
        if (value.asLong() < 0) {
            throw invalid(field, "must not be negative");
        }
        if (field.equals("max_parallel_requests") && value.asLong() > Integer.MAX_VALUE) {
            throw invalid(field, "must be at most " + Integer.MAX_VALUE);
        }
        return Optional.of(value.asLong());
    }

    /** @return the field as a time span such as {@code 30d} */
    public Optional<TimeSpan> span(String field) {
        return text(field).map(text -> {
            try {
                return TimeSpan.parse(text);
            } catch (IllegalArgumentException e) {
                throw invalid(field, e.getMessage());
            }
        });
    }

    /** @return the field as true or false */
    public Optional<Boolean> bool(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw invalid(field, "must be true or false");
        }
        return Optional.of(value.asBoolean());
    }

    /** @return the field as a list of strings */
    public Optional<List<String>> strings(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw invalid(field, "must be a list of strings");
        }
        if (value.size() > MAX_LIST_ITEMS) {
            throw invalid(field, "has more than " + MAX_LIST_ITEMS + " items");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw invalid(field, "must be a list of strings");
            }
            items.add(checkedText(field, item.asText(), DEFAULT_MAX_TEXT));
        }
        return Optional.of(items);
    }

    /** @return the field as a JSON object */
    public Optional<ObjectNode> object(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!(value instanceof ObjectNode object)) {
            throw invalid(field, "must be a JSON object");
        }
        return Optional.of(object);
    }

    /** @return the field as a map of strings to strings */
    public Optional<Map<String, String>> stringMap(String field) {
        return object(field).map(object -> {
            Map<String, String> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : object.properties()) {
                if (!entry.getValue().isTextual()) {
                    throw invalid(field + "." + entry.getKey(), "must be a string");
                }
                map.put(checkedText(field, entry.getKey(), DEFAULT_MAX_TEXT),
                        checkedText(field + "." + entry.getKey(), entry.getValue().asText(), DEFAULT_MAX_TEXT));
            }
            return map;
        });
    }

    /**
     * Reads every field of the body that is one of the given columns, by the column's type.
     *
     * @return the values by column name, absent ones left out and nulls as {@link Optional#empty()}
     */
    public Map<String, Object> values(Map<String, ColumnType> columns) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ColumnType> column : columns.entrySet()) {
            String field = column.getKey();
            if (!has(field)) {
                continue;
            }
            Object value = switch (column.getValue()) {
                case TEXT -> text(field);
                case AMOUNT -> amount(field);
                case COUNT -> count(field);
                case BOOL -> bool(field).orElse(false);
                case SPAN -> span(field);
                case TIME -> throw invalid(field, "is set by the gateway, not by callers");
                case STRINGS -> strings(field).orElse(List.of());
                case OBJECT -> object(field).map(ObjectNode.class::cast)
                        .orElseGet(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance::objectNode);
            };
            values.put(field, value);
        }
        return values;
    }

    /** @return a 400 naming the field */
    public static GatewayException invalid(String field, String problem) {
        return GatewayException.badRequest("'" + field + "' " + problem + ".", field);
    }
}
