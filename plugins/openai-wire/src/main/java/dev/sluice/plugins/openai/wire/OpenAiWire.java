package dev.sluice.plugins.openai.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ByteStream;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Deployment;
import dev.sluice.api.ErrorKind;
import dev.sluice.api.GatewayException;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.UpstreamRequest;
import dev.sluice.api.UpstreamStream;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import dev.sluice.plugins.kit.VendorCalls;

/**
 * One call in OpenAI's wire format, whoever serves it (OpenAI, an OpenAI-compatible server, Azure
 * OpenAI): the caller's body goes upstream as sent, unknown parameters included, with
 * {@code model} set to the deployment's and the deployment's extra {@code litellm_params} as
 * defaults; answers come back unchanged. Streams always ask for a usage chunk
 * ({@code stream_options.include_usage}), because spend is computed from it.
 */
public final class OpenAiWire {

    private OpenAiWire() {
    }

    /**
     * @param uri            the endpoint
     * @param headers        the request headers, credentials included
     * @param request        the caller's request
     * @param gatewayParams  {@code litellm_params} of the plugin's own, never sent as request parameters
     * @param context        the call
     * @return the upstream's answer
     */
    public static ModelResponse send(URI uri, Map<String, String> headers, ModelRequest request,
                                     Set<String> gatewayParams, ProviderContext context) {
        Deployment deployment = context.deployment();
        JsonNode answer = VendorCalls.answer(context.transport().send(UpstreamRequest.postJson(uri, headers,
                body(request, deployment, gatewayParams, false, context.json()), deployment.timeout())), deployment,
                context.json(), errors(context));
        if (!answer.isObject()) {
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, deployment.provider() + " answered with JSON that is not an object.");
        }
        return new ModelResponse((ObjectNode) answer);
    }

    /** As {@link #send}, streamed. */
    public static ChunkStream stream(URI uri, Map<String, String> headers, ModelRequest request,
                                     Set<String> gatewayParams, ProviderContext context) {
        Deployment deployment = context.deployment();
        UpstreamStream upstream = VendorCalls.opened(context.transport().stream(UpstreamRequest.postJson(uri, headers,
                body(request, deployment, gatewayParams, true, context.json()), deployment.streamTimeout())), deployment,
                errors(context));
        return new OpenAiChunkStream(deployment.provider(), upstream, context.json());
    }

    /** @return the path under the API base of an endpoint request's operation */
    public static String path(ModelRequest.Operation operation) {
        return switch (operation) {
            case IMAGE_GENERATION -> "/images/generations";
            case IMAGE_EDIT -> "/images/edits";
            case IMAGE_VARIATION -> "/images/variations";
            case AUDIO_TRANSCRIPTION -> "/audio/transcriptions";
            case AUDIO_TRANSLATION -> "/audio/translations";
            case AUDIO_SPEECH -> "/audio/speech";
            case MODERATION -> "/moderations";
            case RERANK -> "/rerank";
            case RESPONSES -> "/responses";
            default -> throw new IllegalArgumentException(operation + " is not an endpoint request");
        };
    }

    /**
     * Images, audio, moderation and rerank in OpenAI's format (rerank in Cohere's, as
     * OpenAI-compatible servers such as vLLM serve it): a JSON body, or for a request with files a
     * multipart one built from its fields and files; a text answer (a transcription asked as
     * {@code text}, {@code srt} or {@code vtt}) comes back as {@code {"text": ...}}; speech comes
     * back as its audio bytes, streamed.
     */
    public static ModelResult serve(URI uri, Map<String, String> headers, EndpointRequest request,
                                    Set<String> gatewayParams, ProviderContext context) {
        Deployment deployment = context.deployment();
        ObjectNode fields = request.body().deepCopy();
        fields.put("model", deployment.providerModel());
        fields.remove("drop_params");
        gatewayParams.forEach(fields::remove);
        UpstreamRequest call;
        if (request.operation() == ModelRequest.Operation.AUDIO_SPEECH || request.stream()) {
            // speech's audio, or a native Responses call's events: passed on as the upstream sends them
            UpstreamStream bytes = VendorCalls.opened(context.transport().stream(UpstreamRequest.postJson(uri, headers,
                    VendorCalls.bytes(fields, context.json()), deployment.streamTimeout())), deployment, errors(context));
            return ByteStream.of(bytes.header("content-type").orElse(request.stream() ? "text/event-stream"
                    : "audio/mpeg"), bytes);
        }
        if (request.files().isEmpty()) {
            call = UpstreamRequest.postJson(uri, headers, VendorCalls.bytes(fields, context.json()), deployment.timeout());
        } else {
            Multipart form = Multipart.of(fields, request.files());
            Map<String, String> all = new java.util.HashMap<>(headers);
            all.put("Content-Type", form.contentType());
            call = new UpstreamRequest("POST", uri, all, form.bytes(), deployment.timeout());
        }
        dev.sluice.api.UpstreamResponse response = context.transport().send(call);
        if (response.status() / 100 != 2) {
            throw errors(context).map(response.status(), response.body(), response::header);
        }
        String type = response.header("content-type").orElse("application/json");
        if (!type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return new ModelResponse(context.json().createObjectNode().put("text",
                    new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)));
        }
        JsonNode answer = read(response.body(), context.json(), deployment);
        if (!answer.isObject()) {
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR, deployment.provider() + " answered with JSON that is not an object.");
        }
        return new ModelResponse((ObjectNode) answer);
    }

    /** @return the OpenAI-format error mapping, for answers of this call's deployment */
    public static VendorCalls.ErrorMapper errors(ProviderContext context) {
        return (status, body, header) -> OpenAiErrors.map(context.deployment().provider(), status, body, header,
                context.json());
    }

    /** @return the JSON of an answer, or an upstream error when it is not JSON */
    public static JsonNode read(byte[] body, ObjectMapper json, Deployment deployment) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw GatewayException.of(ErrorKind.UPSTREAM_ERROR,
                    deployment.provider() + " answered with a body that is not valid JSON.");
        }
    }

    private static byte[] body(ModelRequest request, Deployment deployment, Set<String> gatewayParams, boolean stream,
                               ObjectMapper json) {
        ObjectNode body = request.body().deepCopy();
        body.put("model", deployment.providerModel());
        body.remove("drop_params"); // the gateway's switch; OpenAI-format servers take every parameter
        deployment.extraParams().properties().forEach(entry -> {
            if (!gatewayParams.contains(entry.getKey()) && !entry.getKey().equals("drop_params")
                    && !body.has(entry.getKey())) {
                body.set(entry.getKey(), entry.getValue());
            }
        });
        if (stream) {
            body.put("stream", true);
            JsonNode options = body.get("stream_options");
            ObjectNode streamOptions = options instanceof ObjectNode object ? object : body.putObject("stream_options");
            streamOptions.put("include_usage", true);
        }
        return VendorCalls.bytes(body, json);
    }
}
