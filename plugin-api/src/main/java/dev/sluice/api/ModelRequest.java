package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A canonical request to a model: the OpenAI-shaped JSON body the caller sent, validated. Minor
 * versions may permit new kinds ({@link EndpointRequest} came in 1.3.0): a switch over them needs
 * a {@code default}.
 *
 * <p>The body is owned by the request and must not be mutated: a stage that rewrites a request
 * builds a new one with {@link #withBody(ObjectNode)} from a {@link ObjectNode#deepCopy() copy}.
 * Parameters the gateway does not know stay in the body, so OpenAI-compatible upstreams receive
 * them unchanged.
 */
public sealed interface ModelRequest permits ChatRequest, CompletionRequest, EmbeddingRequest, EndpointRequest {

    /** @return the OpenAI-shaped request body; read-only by contract */
    ObjectNode body();

    /**
     * @param body a new body, which the new request owns
     * @return a request of the same type with that body
     * @throws GatewayException if the body is not valid for this type of request
     */
    ModelRequest withBody(ObjectNode body);

    /** @return the operation this request asks for */
    Operation operation();

    /** @return the {@code model} the caller asked for: a model group name or alias */
    default String model() {
        return body().path("model").asText();
    }

    /** @return whether the caller asked for a streamed answer */
    default boolean stream() {
        return body().path("stream").asBoolean(false);
    }

    /** @return the end user named by the {@code user} field, if any */
    default Optional<String> user() {
        JsonNode user = body().get("user");
        return user != null && user.isTextual() && !user.asText().isBlank()
                ? Optional.of(user.asText()) : Optional.empty();
    }

    /**
     * @return the caller's cap on output tokens ({@code max_completion_tokens}, else
     *         {@code max_tokens}), if any
     */
    default OptionalLong maxOutputTokens() {
        JsonNode cap = body().get("max_completion_tokens");
        if (cap == null || !cap.canConvertToLong()) {
            cap = body().get("max_tokens");
        }
        return cap != null && cap.canConvertToLong() ? OptionalLong.of(cap.asLong()) : OptionalLong.empty();
    }

    /**
     * @param model the model name to put in the body
     * @return this request with {@code model} replaced, or this request if it already names it
     */
    default ModelRequest withModel(String model) {
        if (model.equals(model())) {
            return this;
        }
        ObjectNode copy = body().deepCopy();
        copy.put("model", model);
        return withBody(copy);
    }

    /**
     * The operations a request can ask for. Minor versions add operations (1.3.0 added the images,
     * audio, moderation and rerank ones): a switch over them needs a {@code default}.
     */
    enum Operation {
        /** {@code /chat/completions} */
        CHAT,
        /** {@code /completions}, legacy text completion */
        TEXT_COMPLETION,
        /** {@code /embeddings} */
        EMBEDDING,
        /** {@code /images/generations}; since 1.3.0 */
        IMAGE_GENERATION,
        /** {@code /images/edits}, multipart; since 1.3.0 */
        IMAGE_EDIT,
        /** {@code /images/variations}, multipart; since 1.3.0 */
        IMAGE_VARIATION,
        /** {@code /audio/transcriptions}, multipart; since 1.3.0 */
        AUDIO_TRANSCRIPTION,
        /** {@code /audio/translations}, multipart; since 1.3.0 */
        AUDIO_TRANSLATION,
        /** {@code /audio/speech}, answered in audio bytes; since 1.3.0 */
        AUDIO_SPEECH,
        /** {@code /moderations}; since 1.3.0 */
        MODERATION,
        /** {@code /rerank}, in Cohere's shape; since 1.3.0 */
        RERANK,
        /**
         * {@code /responses}, OpenAI's Responses API spoken natively by the vendor (the gateway
         * translates it onto chat for the others, see {@link ProviderAdapter#serves}); since 1.3.0
         */
        RESPONSES
    }
}
