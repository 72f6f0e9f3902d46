package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Principal;
import dev.sluice.api.Role;
import dev.sluice.core.Gateway;
import dev.sluice.core.keys.VirtualKeys;
import dev.sluice.core.spend.SpendQueries;
import dev.sluice.core.spend.SpendRecord;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /spend/logs}, with LiteLLM's filters ({@code api_key}, {@code user_id},
 * {@code request_id}, {@code start_date}, {@code end_date}) and row fields. The window is the last
 * 24 hours unless given and at most 31 days; {@code page} and {@code page_size} (at most 1000)
 * page through it, newest first. Admins see every row; others the rows of their own key or user.
 */
final class SpendRoutes {

    private static final Duration MAX_WINDOW = Duration.ofDays(31);

    private final Gateway gateway;
    private final SpendQueries queries;
    private final JsonResponses responses;
    private final ErrorResponses errors;

    SpendRoutes(Gateway gateway, JsonResponses responses, ErrorResponses errors) {
        this.gateway = gateway;
        this.queries = new SpendQueries(gateway.database());
        this.responses = responses;
        this.errors = errors;
    }

    void register(HttpRules rules) {
        rules.get("/spend/logs", this::logs);
    }

    private void logs(ServerRequest req, ServerResponse res) {
        try {
            Principal caller = gateway.authenticator().authenticate(new RequestHeaders(req.headers()),
                    ModelRoutes.clientAddress(req));
            Map<String, String> filters = new LinkedHashMap<>();
            param(req, "api_key").ifPresent(key -> filters.put("api_key", key.startsWith("sk-") ? VirtualKeys.token(key) : key));
            param(req, "user_id").ifPresent(user -> filters.put("user_id", user));
            param(req, "team_id").ifPresent(team -> filters.put("team_id", team));
            param(req, "request_id").ifPresent(id -> filters.put("request_id", id));
            param(req, "end_user").ifPresent(user -> filters.put("end_user", user));
            if (caller.role() != Role.PROXY_ADMIN && caller.role() != Role.PROXY_ADMIN_VIEWER) {
                if (caller.userId().isPresent()) {
                    filters.put("user_id", caller.userId().get());
                } else {
                    filters.put("api_key", caller.subject());
                }
            }
            Instant to = param(req, "end_date").map(date -> day(date, "end_date").plus(Duration.ofDays(1)))
                    .orElseGet(Instant::now);
            Instant from = param(req, "start_date").map(date -> day(date, "start_date"))
                    .orElse(to.minus(Duration.ofDays(1)));
            if (!from.isBefore(to) || Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
                throw GatewayException.badRequest("'start_date' must come before 'end_date', at most 31 days apart.",
                        "start_date");
            }
            int page = number(req, "page", 1);
            int size = number(req, "page_size", 50);
            if (page < 1 || size < 1 || size > 1000) {
                throw GatewayException.badRequest("'page' must be 1 or more and 'page_size' between 1 and 1000.", "page_size");
            }
            ArrayNode rows = responses.mapper().createArrayNode();
            for (SpendRecord record : queries.logs(filters, from, to, page, size)) {
                rows.add(row(record));
            }
            responses.send(res, rows);
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private ObjectNode row(SpendRecord record) {
        ObjectNode row = responses.mapper().createObjectNode();
        row.put("request_id", record.requestId());
        row.put("call_type", record.callType());
        row.put("api_key", record.keyToken());
        row.put("spend", record.spend());
        row.put("total_tokens", record.promptTokens() + record.completionTokens());
        row.put("prompt_tokens", record.promptTokens());
        row.put("completion_tokens", record.completionTokens());
        row.put("cached_tokens", record.cachedTokens());
        row.put("startTime", record.startTime().toString());
        row.put("endTime", record.endTime().toString());
        row.put("model", record.model());
        row.put("model_group", record.modelGroup());
        row.put("model_id", record.modelId());
        row.put("api_base", record.apiBase());
        row.put("user", record.userId());
        row.put("team_id", record.teamId());
        row.put("end_user", record.endUser());
        row.put("cache_hit", Boolean.toString(record.cacheHit()));
        row.put("status", record.status());
        row.putObject("metadata").put("user_api_key_alias", record.keyAlias());
        return row;
    }

    private static Optional<String> param(ServerRequest req, String name) {
        return req.query().first(name).asOptional().filter(value -> !value.isBlank());
    }

    private static Instant day(String text, String field) {
        try {
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw GatewayException.badRequest("'" + field + "' must be a date as YYYY-MM-DD.", field);
        }
    }

    private static int number(ServerRequest req, String name, int fallback) {
        try {
            return param(req, name).map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorKind.BAD_REQUEST, 400, "'" + name + "' must be a whole number.", name,
                    null, null, null);
        }
    }
}
