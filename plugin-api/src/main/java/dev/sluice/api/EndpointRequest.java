package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A request to one of the endpoints beyond chat, completions and embeddings: images, audio
 * transcription and translation, moderation, rerank ({@link #operation()} says which). The
 * body holds the JSON fields, or a multipart request's text fields; {@link #files()} its files.
 * Adapters serve it in {@link ProviderAdapter#serve}; answers are OpenAI's JSON for the
 * operation (Cohere's for rerank), or the audio bytes of speech.
 *
 * @param operation the endpoint
 * @param body      the JSON fields; must name a model
 * @param files     the uploaded files, none for a JSON request
 * @since 1.3.0
 */
public record EndpointRequest(Operation operation, ObjectNode body, List<Upload> files) implements ModelRequest {

    private static final Set<Operation> SERVED = Set.of(Operation.IMAGE_GENERATION, Operation.IMAGE_EDIT,
            Operation.IMAGE_VARIATION, Operation.AUDIO_TRANSCRIPTION, Operation.AUDIO_TRANSLATION, Operation.AUDIO_SPEECH,
            Operation.MODERATION,
            Operation.RERANK, Operation.RESPONSES);

    /** Validates the request. @throws GatewayException 400 naming what is missing */
    public EndpointRequest {
        Objects.requireNonNull(operation, "operation");
        if (!SERVED.contains(operation)) {
            throw new IllegalArgumentException(operation + " has a request type of its own");
        }
        RequestBodies.requireModel(body);
        files = List.copyOf(files);
    }

    @Override
    public EndpointRequest withBody(ObjectNode body) {
        return new EndpointRequest(operation, body, files);
    }

    /** @return whether a native Responses API call asks for its events streamed; the others answer whole */
    @Override
    public boolean stream() {
        return operation == Operation.RESPONSES && body.path("stream").asBoolean(false);
    }

    /** @return the uploaded file of that form field, if the caller sent one */
    public java.util.Optional<Upload> file(String field) {
        return files.stream().filter(file -> file.field().equals(field)).findFirst();
    }
}
