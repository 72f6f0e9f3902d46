package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ByteStream;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest.Operation;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.core.Gateway;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.core.telemetry.Telemetry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The endpoints beyond chat, completions and embeddings, at OpenAI's paths (with and without
 * {@code /v1}): images (generations as JSON; edits and variations as multipart), audio
 * transcriptions and translations (multipart) and speech (audio bytes, streamed), moderations, and rerank in Cohere's shape
 * ({@code /rerank}, {@code /v1/rerank}, {@code /v2/rerank}). Each is a model call like any other
 * (keys, budgets, limits, fallbacks, traces) served by its provider's plugin
 * ({@link dev.sluice.api.ProviderAdapter#serve}) and priced as LiteLLM prices it.
 */
final class EndpointRoutes {

    /** OpenAI's default moderation model, for callers that name none (its SDK's default too). */
    static final String DEFAULT_MODERATION_MODEL = "omni-moderation-latest";
    private static final Set<String> TEXT_FORMATS = Set.of("text", "srt", "vtt");

    private final Gateway gateway;
    private final JsonBodyReader bodies;
    private final JsonResponses responses;
    private final ErrorResponses errors;

    EndpointRoutes(Gateway gateway, JsonResponses responses, ErrorResponses errors, JsonBodyReader bodies) {
        this.gateway = gateway;
        this.bodies = bodies;
        this.responses = responses;
        this.errors = errors;
    }

    void register(HttpRules rules) {
        for (String prefix : List.of("", "/v1", "/openai/v1")) {
            route(rules, prefix + "/images/generations", Operation.IMAGE_GENERATION);
            route(rules, prefix + "/images/edits", Operation.IMAGE_EDIT);
            route(rules, prefix + "/images/variations", Operation.IMAGE_VARIATION);
            route(rules, prefix + "/audio/transcriptions", Operation.AUDIO_TRANSCRIPTION);
            route(rules, prefix + "/audio/translations", Operation.AUDIO_TRANSLATION);
            route(rules, prefix + "/audio/speech", Operation.AUDIO_SPEECH);
            route(rules, prefix + "/moderations", Operation.MODERATION);
        }
        for (String path : List.of("/rerank", "/v1/rerank", "/v2/rerank")) {
            route(rules, path, Operation.RERANK);
        }
    }

    private void route(HttpRules rules, String path, Operation operation) {
        rules.post(path, (req, res) -> handle(req, res, path, operation));
    }

    private void handle(ServerRequest req, ServerResponse res, String route, Operation operation) {
        GatewayCallContext context = new GatewayCallContext(CallIds.next(), Instant.now(), System.nanoTime(),
                new RequestHeaders(req.headers()), ModelRoutes.clientAddress(req));
        res.header("x-litellm-call-id", context.callId());
        Telemetry.Observation observation = gateway.telemetry().start("POST", route, ModelRoutes.traceHeaders(req));
        String name = operation.name().toLowerCase(java.util.Locale.ROOT);
        EndpointRequest request = null;
        try {
            context.principal(gateway.authenticator().authenticate(context.requestHeaders(), context.clientAddress()));
            request = read(req, operation);
            ModelResult result = gateway.call(request, context);
            if (result instanceof ByteStream bytes) {
                ModelRoutes.addHeaders(res, context);
                relay(res, bytes);
                FinishedCalls.finish(observation, context, name, request, 200, null, -1);
                return;
            }
            if (!(result instanceof ModelResponse response)) {
                throw GatewayException.of(ErrorKind.INTERNAL, "The " + name + " endpoint got a stream; it answers whole.");
            }
            ModelRoutes.addHeaders(res, context);
            String format = request.body().path("response_format").asText("json");
            if (TEXT_FORMATS.contains(format) && response.body().path("text").isTextual()) {
                res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                res.send(response.body().path("text").asText().getBytes(StandardCharsets.UTF_8));
            } else {
                responses.send(res, response.body());
            }
            FinishedCalls.finish(observation, context, name, request, 200, null, -1);
        } catch (GatewayException e) {
            ModelRoutes.addHeaders(res, context);
            errors.send(res, e);
            FinishedCalls.finish(observation, context, name, request, e.status(), e, -1);
        } finally {
            if (!observation.finished()) { // an unexpected fault, answered 500 by the server's error handler
                FinishedCalls.finish(observation, context, name, request, 500,
                        GatewayException.of(ErrorKind.INTERNAL, "unexpected fault"), -1);
            }
        }
    }

    /** Passes audio on as it arrives; a client that goes away cancels the upstream call. */
    private static void relay(ServerResponse res, ByteStream bytes) {
        res.header(HeaderNames.CONTENT_TYPE, bytes.contentType());
        try (bytes; java.io.InputStream in = bytes.body(); java.io.OutputStream out = res.outputStream()) {
            byte[] buffer = new byte[8192];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // the client or the upstream went away; the call was charged when it was answered
        }
    }

    /** A JSON body, or a multipart one (its text fields, and its files). */
    private EndpointRequest read(ServerRequest req, Operation operation) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        ObjectNode fields;
        List<dev.sluice.api.Upload> files = List.of();
        if (MultipartForm.isMultipart(type)) {
            MultipartForm.Form form = MultipartForm.read(bodies.readRaw(req), type, gateway.json().createObjectNode());
            fields = form.fields();
            files = form.files();
            ModelParams.checkIdentifiers(fields);
        } else {
            fields = bodies.read(req);
            ModelParams.check(fields);
        }
        if (operation == Operation.MODERATION && !fields.has("model")) {
            fields.put("model", DEFAULT_MODERATION_MODEL);
        }
        String required = switch (operation) {
            case IMAGE_EDIT -> "image";
            case IMAGE_VARIATION -> "image";
            case AUDIO_TRANSCRIPTION, AUDIO_TRANSLATION -> "file";
            default -> null;
        };
        if (required != null && files.stream().noneMatch(file -> file.field().equals(required)
                || file.field().equals(required + "[]"))) {
            throw GatewayException.badRequest(required + ": Field required: send the " + required
                    + " as a file part of a multipart/form-data body.", required);
        }
        return new EndpointRequest(operation, fields, files);
    }
}
