package dev.sluice.core.guardrails;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.CallContext;
import dev.sluice.api.ConfigSection;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.Guardrail;
import dev.sluice.api.GuardrailInput;
import dev.sluice.api.GuardrailSetup;
import dev.sluice.api.GuardrailVerdict;
import dev.sluice.api.HttpTransport;
import dev.sluice.core.config.GuardrailConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** The configured guardrails, opened from the guardrail plugins at start-up. */
public final class Guardrails {

    /** The request as the guardrails let it through, for the loggers (masked, not as the caller sent it). */
    public static final CallContext.Key<dev.sluice.api.ModelRequest> CHECKED_REQUEST =
            new CallContext.Key<>("guardrails.checked-request", dev.sluice.api.ModelRequest.class);

    private final Map<String, ConfiguredGuardrail> byName;
    private final ObjectMapper json;

    private Guardrails(Map<String, ConfiguredGuardrail> byName, ObjectMapper json) {
        this.byName = byName;
        this.json = json;
    }

    /**
     * @throws IllegalStateException when a configured guardrail has no plugin or its plugin refuses
     *                               its settings: the gateway does not start with a guardrail missing
     */
    public static Guardrails open(List<GuardrailConfig> configs, List<Guardrail> plugins,
                                  Map<String, String> environment, HttpTransport transport, ObjectMapper json) {
        Map<String, Guardrail> byType = new LinkedHashMap<>();
        plugins.forEach(plugin -> byType.putIfAbsent(plugin.type(), plugin));
        Map<String, ConfiguredGuardrail> byName = new LinkedHashMap<>();
        for (GuardrailConfig config : configs) {
            Guardrail plugin = byType.get(config.type());
            if (plugin == null) {
                throw new IllegalStateException("guardrails: '" + config.name() + "' has guardrail '" + config.type()
                        + "', which no guardrail plugin serves; installed: " + new TreeSet<>(byType.keySet())
                        + ". Add its plugin or remove the guardrail: calls are not served unchecked.");
            }
            if (config.modes().isEmpty()) {
                throw new IllegalStateException("guardrails: '" + config.name() + "' needs litellm_params.mode: "
                        + "pre_call, during_call and/or post_call");
            }
            try {
                byName.put(config.name(), new ConfiguredGuardrail(config, plugin.open(new GuardrailSetup(config.name(),
                        new ConfigSection("guardrails." + config.name() + ".litellm_params", config.settings()),
                        environment, transport, json))));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("guardrails: " + e.getMessage(), e);
            }
        }
        return new Guardrails(byName, json);
    }

    /** @return the pipeline stage that runs them, if any is configured */
    public Optional<GatewayFilter> filter() {
        return byName.isEmpty() ? Optional.empty() : Optional.of(new GuardrailFilter(byName, json));
    }

    /** @return LiteLLM's {@code /guardrails/list}: names, type, modes, default_on and info; no other setting */
    public ObjectNode list() {
        ObjectNode body = json.createObjectNode();
        ArrayNode list = body.putArray("guardrails");
        byName.values().forEach(guardrail -> {
            ObjectNode entry = list.addObject().put("guardrail_name", guardrail.config().name());
            ObjectNode params = entry.putObject("litellm_params").put("guardrail", guardrail.config().type())
                    .put("default_on", guardrail.config().defaultOn());
            ArrayNode modes = params.putArray("mode");
            guardrail.config().modes().stream().sorted()
                    .forEach(mode -> modes.add(mode.name().toLowerCase(Locale.ROOT)));
            entry.set("guardrail_info", guardrail.config().info());
        });
        return body;
    }

    /**
     * LiteLLM's {@code /guardrails/apply_guardrail}: one guardrail's check on a text, as on a request.
     *
     * @return the text as the guardrail lets it through
     * @throws GatewayException 404 for an unknown guardrail, 400 when it blocks the text
     */
    public String apply(String name, String text, CallContext context) {
        ConfiguredGuardrail guardrail = byName.get(name);
        if (guardrail == null) {
            throw GatewayException.of(dev.sluice.api.ErrorKind.NOT_FOUND, "No guardrail '" + name + "'; configured: "
                    + byName.keySet() + ".");
        }
        GuardrailVerdict verdict = guardrail.ask(GuardrailInput.REQUEST, List.of(text), context, new HashMap<>());
        return verdict.action() == GuardrailVerdict.Action.GUARDRAIL_INTERVENED ? verdict.texts().get(0) : text;
    }

    /** @return the configured guardrails' names */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }
}
