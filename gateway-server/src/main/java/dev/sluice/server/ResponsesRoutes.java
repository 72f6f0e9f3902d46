package dev.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ByteStream;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.Principal;
import dev.sluice.core.Gateway;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.responses.ResponsesEvents;
import dev.sluice.core.responses.ResponsesOutput;
import dev.sluice.core.responses.ResponsesRequests;
import dev.sluice.core.responses.StoredResponses;
import dev.sluice.core.spend.EventLines;
import dev.sluice.core.spend.SpendFilter;
import dev.sluice.core.telemetry.Telemetry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * OpenAI's Responses API in front of every provider: {@code POST /v1/responses} (and
 * {@code /responses}) is read into a chat call ({@link ResponsesRequests}), routed like any chat
 * call (keys, budgets, limits, cache, fallbacks, spend, traces), and answered as a
 * {@code response} object or OpenAI's streamed event sequence; a model group whose every deployment
 * is served by a plugin that speaks the API itself (OpenAI, Azure: {@link
 * dev.sluice.api.ProviderAdapter#serves}) gets the call untranslated. Answers are stored unless the
 * request says {@code store: false}, for the caller that made them: {@code previous_response_id}
 * continues a conversation, {@code GET}/{@code DELETE /v1/responses/{id}} read and delete one.
 */
final class ResponsesRoutes {


    private final Gateway gateway;
    private final ObjectMapper json;
    private final JsonBodyReader bodies;
    private final JsonResponses responses;
    private final ErrorResponses errors;
    private final OpenStreams openStreams;
    private final StoredResponses stored;

    ResponsesRoutes(Gateway gateway, JsonResponses responses, ErrorResponses errors, JsonBodyReader bodies,
                    OpenStreams openStreams) {
        this.gateway = gateway;
        this.json = gateway.json();
        this.responses = responses;
        this.errors = errors;
        this.bodies = bodies;
        this.openStreams = openStreams;
        this.stored = new StoredResponses(gateway.database(), json, Clock.systemUTC());
    }

    void register(HttpRules rules) {
        for (String prefix : List.of("/v1", "", "/openai/v1")) {
            rules.post(prefix + "/responses", this::create);
            rules.get(prefix + "/responses/{id}", this::read);
            rules.delete(prefix + "/responses/{id}", this::delete);
        }
    }

    private void create(ServerRequest req, ServerResponse res) {
        GatewayCallContext context = new GatewayCallContext(CallIds.next(), Instant.now(), System.nanoTime(),
                new RequestHeaders(req.headers()), ModelRoutes.clientAddress(req));
        res.header("x-litellm-call-id", context.callId());
        Telemetry.Observation observation = gateway.telemetry().start("POST", req.path().path(),
                ModelRoutes.traceHeaders(req));
        ResponsesRequests.Translated translated = null;
        try {
            Principal caller = gateway.authenticator().authenticate(context.requestHeaders(), context.clientAddress());
            context.principal(caller);
            ObjectNode body = bodies.read(req);
            ModelParams.check(body);
            boolean store = body.path("store").asBoolean(true);
            if (speaksResponses(body.path("model").asText())) {
                untranslated(req, res, context, observation, caller, body, store);
                return;
            }
            ArrayNode previous = json.createArrayNode();
            if (body.path("previous_response_id").isTextual()) {
                String previousId = body.path("previous_response_id").asText();
                previous = stored.find(caller.subject(), previousId).orElseThrow(() -> GatewayException.badRequest(
                        "Previous response with id '" + previousId + "' not found. It may have been deleted, be older "
                                + "than 30 days, have been created with store: false or by another key.",
                        "previous_response_id")).conversation();
                if (previous == null) {
                    throw GatewayException.badRequest("Previous response '" + previousId + "' was made by a model that "
                            + "speaks the Responses API itself, which keeps the conversation: continue it with a model "
                            + "group of that provider.", "previous_response_id");
                }
            }
            translated = ResponsesRequests.toChat(body, previous, json);
            context.attribute(SpendFilter.CALL_TYPE, "responses");
            String id = ResponsesOutput.newId("resp");
            long createdAt = context.startedAt().getEpochSecond();
            ArrayNode conversation = translated.conversation();
            ModelResult result = gateway.call(translated.chat(), context);
            switch (result) {
                case ModelResponse answer -> {
                    ObjectNode response = ResponsesOutput.fromChat(body, answer.body(), id, createdAt, json);
                    if (store) {
                        stored.keep(caller.subject(), response, withAnswer(conversation, response));
                    }
                    ModelRoutes.addHeaders(res, context);
                    responses.send(res, response);
                    FinishedCalls.finish(observation, context, "responses", translated.chat(), 200, null, -1);
                }
                case ChunkStream stream -> {
                    ResponsesEvents events = new ResponsesEvents(body, id, createdAt, json);
                    var chat = translated.chat();
                    stream(res, context, openStreams.track(stream), events, (failure, firstChunkAt) -> {
                        if (failure == null && store) {
                            ObjectNode response = events.response();
                            stored.keep(caller.subject(), response, withAnswer(conversation, response));
                        }
                        FinishedCalls.finish(observation, context, "responses", chat, 200, failure, firstChunkAt);
                    });
                }
                case dev.sluice.api.ByteStream bytes -> { // only audio endpoints answer in bytes
                    bytes.close();
                    throw ErrorResponses.internal(new IllegalStateException("an answer of bytes to a JSON endpoint"));
                }
            }
        } catch (GatewayException e) {
            ModelRoutes.addHeaders(res, context);
            errors.send(res, e);
            FinishedCalls.finish(observation, context, "responses", translated == null ? null : translated.chat(),
                    e.status(), e, -1);
        } finally {
            if (!observation.finished()) { // an unexpected fault, answered 500 by the server's error handler
                FinishedCalls.finish(observation, context, "responses", translated == null ? null : translated.chat(),
                        500, GatewayException.of(ErrorKind.INTERNAL, "unexpected fault"), -1);
            }
        }
    }

    /** @return whether every deployment of the group is served by a plugin that speaks the Responses API itself */
    private boolean speaksResponses(String model) {
        return gateway.catalog().resolve(model).map(group -> !group.routes().isEmpty() && group.routes().stream()
                .allMatch(route -> route.served().adapter().map(adapter -> adapter.serves(
                        dev.sluice.api.ModelRequest.Operation.RESPONSES, route.deployment())).orElse(false)))
                .orElse(false);
    }

    /**
     * A Responses call passed to a vendor that speaks the API (OpenAI's own tools, reasoning items
     * and its stored conversations included), through the pipeline like any call; the answer kept
     * for GET as it came, its conversation left with the vendor, which keeps it.
     */
    private void untranslated(ServerRequest req, ServerResponse res, GatewayCallContext context,
                         Telemetry.Observation observation, Principal caller, ObjectNode body, boolean store)
            throws GatewayException {
        EndpointRequest request = new EndpointRequest(dev.sluice.api.ModelRequest.Operation.RESPONSES, body, List.of());
        context.attribute(SpendFilter.CALL_TYPE, "responses");
        ModelResult result = gateway.call(request, context);
        switch (result) {
            case ModelResponse answer -> {
                if (store && answer.body().path("id").isTextual()) {
                    stored.keep(caller.subject(), answer.body(), null);
                }
                ModelRoutes.addHeaders(res, context);
                responses.send(res, answer.body());
                FinishedCalls.finish(observation, context, "responses", request, 200, null, -1);
            }
            case ByteStream events -> {
                ObjectNode[] completed = new ObjectNode[1];
                EventLines lines = new EventLines(json, event -> {
                    if (event.path("type").asText().equals("response.completed") && event.get("response") instanceof
                            ObjectNode response) {
                        completed[0] = response;
                    }
                });
                ModelRoutes.addHeaders(res, context);
                res.header(HeaderNames.CONTENT_TYPE, events.contentType());
                res.header(HeaderNames.CACHE_CONTROL, "no-cache");
                res.header("x-accel-buffering", "no");
                long firstAt = System.nanoTime();
                try (events; java.io.InputStream in = events.body(); OutputStream out = res.outputStream()) {
                    byte[] buffer = new byte[8192];
                    for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                        out.write(buffer, 0, read);
                        out.flush();
                        lines.accept(buffer, 0, read);
                    }
                } catch (IOException | UncheckedIOException e) {
                    // the caller or the upstream went away; what arrived is what is charged
                }
                lines.end();
                if (store && completed[0] != null) {
                    stored.keep(caller.subject(), completed[0], null);
                }
                FinishedCalls.finish(observation, context, "responses", request, 200, null, firstAt);
            }
            case ChunkStream stream -> {
                stream.close();
                throw ErrorResponses.internal(new IllegalStateException("a native Responses call answered in chunks"));
            }
        }
    }

    private ArrayNode withAnswer(ArrayNode conversation, ObjectNode response) {
        ArrayNode all = conversation.deepCopy();
        all.add(ResponsesOutput.assistantMessage(response, json));
        return all;
    }

    private void read(ServerRequest req, ServerResponse res) {
        try {
            Principal caller = gateway.authenticator().authenticate(new RequestHeaders(req.headers()),
                    ModelRoutes.clientAddress(req));
            String id = req.path().pathParameters().get("id");
            responses.send(res, stored.find(caller.subject(), id).orElseThrow(() -> notFound(id)).response());
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private void delete(ServerRequest req, ServerResponse res) {
        try {
            Principal caller = gateway.authenticator().authenticate(new RequestHeaders(req.headers()),
                    ModelRoutes.clientAddress(req));
            String id = req.path().pathParameters().get("id");
            if (!stored.delete(caller.subject(), id)) {
                throw notFound(id);
            }
            responses.send(res, json.createObjectNode().put("id", id).put("object", "response.deleted")
                    .put("deleted", true));
        } catch (GatewayException e) {
            errors.send(res, e);
        }
    }

    private static GatewayException notFound(String id) {
        return GatewayException.of(ErrorKind.NOT_FOUND, "Response with id '" + id + "' not found.");
    }

    private void stream(ServerResponse res, GatewayCallContext context, ChunkStream stream, ResponsesEvents events,
                        ModelRoutes.StreamEnd end) {
        ChatChunk first;
        try {
            first = stream.next();
        } catch (RuntimeException e) {
            stream.close();
            throw e instanceof GatewayException gatewayError ? gatewayError : ErrorResponses.internal(e);
        }
        long firstChunkAt = System.nanoTime();
        GatewayException failure = null;
        ModelRoutes.addHeaders(res, context);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("x-accel-buffering", "no");
        try (stream; OutputStream out = res.outputStream()) {
            try {
                for (ChatChunk chunk = first; chunk != null; chunk = stream.next()) {
                    write(out, events.onChunk(chunk));
                }
                write(out, events.end());
            } catch (GatewayException e) {
                failure = e;
                write(out, events.fail(e));
            }
        } catch (IOException | UncheckedIOException e) {
            // the client went away; closing the stream cancelled the upstream call
            failure = failure != null ? failure : GatewayException.of(ErrorKind.UPSTREAM_UNAVAILABLE,
                    "The client went away before the response was complete.");
        }
        end.ended(failure, firstChunkAt);
    }

    private void write(OutputStream out, List<ResponsesEvents.Event> batch) throws IOException {
        NamedEvents.write(out, json, batch, ResponsesEvents.Event::name, ResponsesEvents.Event::data);
    }
}
