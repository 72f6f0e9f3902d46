package dev.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.core.Gateway;
import dev.sluice.core.messages.MessagesEvents;
import dev.sluice.core.messages.MessagesRequests;
import dev.sluice.core.messages.MessagesResponses;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.telemetry.Telemetry;
import dev.sluice.core.routing.PromptSize;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Anthropic's Messages API in front of every provider: {@code POST /v1/messages} (also under
 * {@code /anthropic}) takes Anthropic's request shape with the key in {@code x-api-key} (or
 * {@code Authorization}), routes it like any chat call (keys, budgets, fallbacks, spend), and
 * answers in Anthropic's shape, its SSE event sequence included, so Anthropic's SDKs and Claude
 * Code work against the gateway. {@code POST /v1/messages/count_tokens} estimates the prompt's
 * tokens (four characters to a token; no vendor tokenizer is at hand).
 */
final class MessagesRoutes {


    private final Gateway gateway;
    private final ObjectMapper json;
    private final OpenStreams openStreams;
    private final JsonBodyReader bodies;
    private final JsonResponses responses;

    MessagesRoutes(Gateway gateway, JsonResponses responses, JsonBodyReader bodies, OpenStreams openStreams) {
        this.openStreams = openStreams;
        this.gateway = gateway;
        this.responses = responses;
        this.json = gateway.json();
        this.bodies = bodies;
    }

    void register(HttpRules rules) {
        for (String prefix : List.of("/v1", "/anthropic/v1")) {
            rules.post(prefix + "/messages", this::messages);
            rules.post(prefix + "/messages/count_tokens", this::countTokens);
        }
    }

    private void messages(ServerRequest req, ServerResponse res) {
        GatewayCallContext context = new GatewayCallContext(CallIds.next(), Instant.now(), System.nanoTime(),
                new RequestHeaders(req.headers()), ModelRoutes.clientAddress(req));
        res.header("x-litellm-call-id", context.callId());
        Telemetry.Observation observation = gateway.telemetry().start("POST", req.path().path(),
                ModelRoutes.traceHeaders(req));
        ChatRequest request = null;
        try {
            context.principal(gateway.authenticator().authenticate(context.requestHeaders(), context.clientAddress()));
            ObjectNode body = bodies.read(req);
            ModelParams.check(body);
            request = MessagesRequests.toChat(body, json);
            ModelResult result = gateway.call(request, context);
            switch (result) {
                case ModelResponse response -> {
                    ModelRoutes.addHeaders(res, context);
                    responses.send(res, MessagesResponses.message(response.body(), json));
                    FinishedCalls.finish(observation, context, "chat", request, 200, null, -1);
                }
                case ChunkStream stream -> {
                    ChatRequest asked = request;
                    stream(res, context, openStreams.track(stream), (failure, firstChunkAt) ->
                            FinishedCalls.finish(observation, context, "chat", asked, 200, failure, firstChunkAt));
                }
                case dev.sluice.api.ByteStream bytes -> { // only audio endpoints answer in bytes
                    bytes.close();
                    throw ErrorResponses.internal(new IllegalStateException("an answer of bytes to a JSON endpoint"));
                }
            }
        } catch (GatewayException e) {
            ModelRoutes.addHeaders(res, context);
            fail(res, e);
            FinishedCalls.finish(observation, context, "chat", request, e.status(), e, -1);
        } finally {
            if (!observation.finished()) { // an unexpected fault, answered 500 by the server's error handler
                FinishedCalls.finish(observation, context, "chat", request, 500,
                        GatewayException.of(dev.sluice.api.ErrorKind.INTERNAL, "unexpected fault"), -1);
            }
        }
    }

    private void countTokens(ServerRequest req, ServerResponse res) {
        try {
            gateway.authenticator().authenticate(new RequestHeaders(req.headers()), ModelRoutes.clientAddress(req));
            ObjectNode body = bodies.read(req);
            ModelParams.check(body);
            body.put("max_tokens", 1);
            ChatRequest request = MessagesRequests.toChat(body, json);
            responses.send(res, json.createObjectNode().put("input_tokens", PromptSize.tokens(request)));
        } catch (GatewayException e) {
            fail(res, e);
        }
    }

    private void stream(ServerResponse res, GatewayCallContext context, ChunkStream stream, ModelRoutes.StreamEnd end) {
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
        MessagesEvents events = new MessagesEvents(json);
        try (stream; OutputStream out = res.outputStream()) {
            try {
                for (ChatChunk chunk = first; chunk != null; chunk = stream.next()) {
                    write(out, events.onChunk(chunk));
                }
                write(out, events.end());
            } catch (GatewayException e) {
                failure = e;
                write(out, List.of(new MessagesEvents.Event("error", MessagesResponses.error(e, json))));
            }
        } catch (IOException | UncheckedIOException e) {
            // the client went away; closing the stream cancelled the upstream call
        }
        end.ended(failure, firstChunkAt);
    }

    private void write(OutputStream out, List<MessagesEvents.Event> events) throws IOException {
        NamedEvents.write(out, json, events, MessagesEvents.Event::name, MessagesEvents.Event::data);
    }

    private void fail(ServerResponse res, GatewayException error) {
        if (res.isSent()) {
            return;
        }
        error.retryAfter().ifPresent(delay -> res.header(HeaderNames.RETRY_AFTER,
                Long.toString(Math.max(0, (delay.toMillis() + 999) / 1000))));
        responses.send(res, error.status(), MessagesResponses.error(error, json));
    }
}
