package dev.sluice.core.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ByteStream;
import dev.sluice.api.CallContext;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.FilterSlot;
import dev.sluice.api.GatewayException;
import dev.sluice.api.GatewayFilter;
import dev.sluice.api.GuardrailInput;
import dev.sluice.api.GuardrailVerdict;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.core.accounts.AccessFilter;
import dev.sluice.core.config.GuardrailConfig.Mode;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The pipeline stage that runs a call's guardrails: {@code pre_call} ones on the request (which
 * they may rewrite), {@code during_call} ones beside the upstream call (a refusal abandons it),
 * {@code post_call} ones on the answer, a stream's as it passes ({@link CheckedStream}). A call
 * gets the {@code default_on} guardrails, those its key's {@code metadata.guardrails} names and
 * those its request's {@code guardrails} names; the request's {@code guardrails} never goes upstream.
 */
final class GuardrailFilter implements GatewayFilter {

    private final Map<String, ConfiguredGuardrail> byName;
    private final ObjectMapper json;

    GuardrailFilter(Map<String, ConfiguredGuardrail> byName, ObjectMapper json) {
        this.byName = byName;
        this.json = json;
    }

    @Override
    public String name() {
        return "guardrails";
    }

    @Override
    public FilterSlot slot() {
        return FilterSlot.TRANSFORM;
    }

    @Override
    public int weight() {
        return 100; // before other rewriting filters, so they see what the guardrails let through
    }

    @Override
    public ModelResult intercept(Chain chain) {
        CallContext context = chain.context();
        ModelRequest request = chain.request();
        List<ConfiguredGuardrail> active = active(request, context);
        if (request.body().has("guardrails")) {
            ObjectNode body = request.body().deepCopy();
            body.remove("guardrails");
            request = request.withBody(body);
        }
        if (active.isEmpty()) {
            return chain.proceed(request);
        }
        Map<String, Map<String, Object>> memos = new HashMap<>();
        for (ConfiguredGuardrail guardrail : active) {
            if (guardrail.runs(Mode.PRE_CALL)) {
                GuardrailVerdict verdict = guardrail.ask(GuardrailInput.REQUEST, Texts.of(request), context,
                        memo(memos, guardrail));
                if (verdict.action() == GuardrailVerdict.Action.GUARDRAIL_INTERVENED) {
                    request = Texts.replaced(request, verdict.texts());
                }
            }
        }
        context.attribute(Guardrails.CHECKED_REQUEST, request);
        List<ConfiguredGuardrail> during = active.stream().filter(g -> g.runs(Mode.DURING_CALL)).toList();
        ModelResult result = during.isEmpty() ? chain.proceed(request) : beside(chain, request, during, memos);
        List<ConfiguredGuardrail> after = active.stream().filter(g -> g.runs(Mode.POST_CALL)).toList();
        if (after.isEmpty()) {
            return result;
        }
        return switch (result) {
            case ModelResponse response -> new ModelResponse(checkedAnswer(response.body(), after, context, memos));
            case ChunkStream stream -> new CheckedStream(stream, after, context, memos);
            case ByteStream bytes -> bytes; // audio and native Responses events: no text to check
        };
    }

    /**
     * Runs the upstream call on a thread of its own while the {@code during_call} checks run on
     * this one; a refusal abandons the upstream call (its thread is interrupted, a stream it
     * returns is closed) and answers the refusal at once.
     */
    private ModelResult beside(Chain chain, ModelRequest request, List<ConfiguredGuardrail> during,
                               Map<String, Map<String, Object>> memos) {
        Abandonable upstream = new Abandonable();
        CompletableFuture<ModelResult> call = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().name("during-call-" + chain.context().callId()).start(Context.current()
                .wrap(() -> {
                    try {
                        call.complete(upstream.kept(chain.proceed(request)));
                    } catch (Throwable e) {
                        call.completeExceptionally(e);
                    }
                }));
        try {
            for (ConfiguredGuardrail guardrail : during) {
                guardrail.ask(GuardrailInput.REQUEST, Texts.of(request), chain.context(), memo(memos, guardrail));
            }
        } catch (RuntimeException refused) {
            upstream.abandon();
            caller.interrupt();
            throw refused;
        }
        try {
            return call.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw GatewayException.of(ErrorKind.INTERNAL, "The upstream call failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            upstream.abandon();
            caller.interrupt();
            throw GatewayException.of(ErrorKind.INTERNAL, "The call was interrupted.");
        }
    }

    private ObjectNode checkedAnswer(ObjectNode answer, List<ConfiguredGuardrail> after, CallContext context,
                                     Map<String, Map<String, Object>> memos) {
        ObjectNode checked = answer;
        for (ConfiguredGuardrail guardrail : after) {
            GuardrailVerdict verdict = guardrail.ask(GuardrailInput.RESPONSE, Texts.ofAnswer(checked), context,
                    memo(memos, guardrail));
            if (verdict.action() == GuardrailVerdict.Action.GUARDRAIL_INTERVENED) {
                checked = Texts.replacedAnswer(checked, verdict.texts());
            }
        }
        return checked;
    }

    static Map<String, Object> memo(Map<String, Map<String, Object>> memos, ConfiguredGuardrail guardrail) {
        return memos.computeIfAbsent(guardrail.config().name(), name -> new HashMap<>());
    }

    /** The call's guardrails: default_on ones, the key's, its team's, the request's; an unknown name is a 400. */
    private List<ConfiguredGuardrail> active(ModelRequest request, CallContext context) {
        Set<String> names = new LinkedHashSet<>();
        byName.values().stream().filter(g -> g.config().defaultOn()).forEach(g -> names.add(g.config().name()));
        context.principal().map(caller -> caller.metadata().get("guardrails")).ifPresent(listed ->
                names.addAll(namesIn(listed)));
        context.attribute(AccessFilter.TEAM_METADATA).ifPresent(team -> names(team.path("guardrails"), names));
        names(request.body().path("guardrails"), names);
        names(request.body().path("metadata").path("guardrails"), names);
        List<ConfiguredGuardrail> active = new ArrayList<>();
        for (String name : names) {
            ConfiguredGuardrail guardrail = byName.get(name);
            if (guardrail == null) {
                throw GatewayException.badRequest("No guardrail '" + name + "' is configured; configured: "
                        + byName.keySet() + ".", "guardrails");
            }
            active.add(guardrail);
        }
        return active;
    }

    /** A request's {@code guardrails}: names, or objects keyed by name (LiteLLM's dynamic parameters). */
    private static void names(JsonNode listed, Set<String> names) {
        if (listed.isTextual()) {
            names.add(listed.asText());
        }
        for (JsonNode item : listed) {
            if (item.isTextual()) {
                names.add(item.asText());
            } else if (item.isObject()) {
                item.fieldNames().forEachRemaining(names::add);
            } else {
                throw GatewayException.badRequest("'guardrails' must list guardrail names.", "guardrails");
            }
        }
    }

    /** A key's {@code metadata.guardrails}, kept as JSON text (a list) or names separated by commas. */
    private List<String> namesIn(String listed) {
        String text = listed.strip();
        if (text.startsWith("[")) {
            try {
                List<String> names = new ArrayList<>();
                json.readTree(text).forEach(name -> names.add(name.asText()));
                return names;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return List.of();
            }
        }
        return text.isEmpty() ? List.of() : List.of(text.split("\\s*,\\s*"));
    }

    /** The upstream call's result, closed if it arrives after the call was abandoned. */
    private static final class Abandonable {
        private ModelResult result;
        private boolean abandoned;

        synchronized ModelResult kept(ModelResult arrived) {
            result = arrived;
            if (abandoned) {
                close(arrived);
            }
            return arrived;
        }

        synchronized void abandon() {
            abandoned = true;
            if (result != null) {
                close(result);
            }
        }

        private static void close(ModelResult result) {
            if (result instanceof ChunkStream stream) {
                stream.close();
            } else if (result instanceof ByteStream bytes) {
                bytes.close();
            }
        }
    }
}
