package dev.sluice.api;

import java.util.List;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * Translates canonical (OpenAI-shaped) requests into one vendor's wire format and back. One
 * adapter serves one wire format; a deployment picks it by the prefix of
 * {@code litellm_params.model} ({@code anthropic/claude-…} is served by the adapter whose
 * {@link #providers()} include {@code anthropic}).
 *
 * <p>Adapters are stateless and thread-safe: one instance serves every call. Vendor errors are
 * thrown as {@link GatewayException} with the canonical {@link ErrorKind} (and the vendor's
 * status and retry-after where it gave them), so the router can retry, cool down or fall back.
 * An operation the vendor does not offer is refused with {@link ErrorKind#BAD_REQUEST}; the
 * default methods do exactly that.
 */
public interface ProviderAdapter extends ExtensionPoint {

    /** @return the provider prefixes this adapter serves, e.g. {@code openai}, {@code hosted_vllm} */
    Set<String> providers();

    /**
     * Checks a deployment's settings when the gateway loads its config, so a mistake stops start-up
     * instead of failing a request.
     *
     * @param deployment a deployment this adapter will serve
     * @throws IllegalArgumentException naming the {@code litellm_params} key at fault
     */
    default void validate(Deployment deployment) {
    }

    /**
     * The chat request parameters (top-level keys of the OpenAI-shaped body) the adapter
     * translates for a deployment. When it names them, the gateway refuses a request carrying any
     * other OpenAI parameter with a 400 that names it, or drops it when {@code drop_params} is set
     * (in the request, the deployment's {@code litellm_params} or {@code litellm_settings}), before
     * the adapter sees the request, as LiteLLM does. {@code model}, {@code messages},
     * {@code stream}, {@code stream_options}, {@code user} and {@code metadata} are always let
     * through. Empty, the default: the adapter takes whatever comes and checks it itself.
     *
     * @param deployment a deployment the adapter serves
     * @return the parameters it translates, or an empty set
     * @since 1.3.0
     */
    default Set<String> chatParams(Deployment deployment) {
        return Set.of();
    }

    /** @return the whole answer to a chat request */
    ModelResponse chat(ChatRequest request, ProviderContext context);

    /** @return the streamed answer to a chat request; chunks are OpenAI {@code chat.completion.chunk}s */
    ChunkStream streamChat(ChatRequest request, ProviderContext context);

    /** @return the whole answer to a legacy text-completion request */
    default ModelResponse complete(CompletionRequest request, ProviderContext context) {
        throw unsupported("text completions (/completions)", context);
    }

    /** @return the streamed answer to a legacy text-completion request */
    default ChunkStream streamComplete(CompletionRequest request, ProviderContext context) {
        throw unsupported("streamed text completions (/completions)", context);
    }

    /** @return an OpenAI-shaped embedding {@code list} */
    default ModelResponse embed(EmbeddingRequest request, ProviderContext context) {
        throw unsupported("embeddings (/embeddings)", context);
    }

    /**
     * Serves images, audio (transcription, translation, speech), moderation and rerank
     * ({@link EndpointRequest#operation()}); the default refuses them all with a 400, so an adapter
     * overrides this only for what its vendor offers, and refuses the rest with
     * {@link #unsupported}.
     *
     * @return the answer: a {@link ModelResponse} of OpenAI's JSON for the operation (Cohere's
     *         {@code results} for rerank; for a transcription asked as {@code text}, {@code srt}
     *         or {@code vtt}, {@code {"text": ...}} holding the upstream's text as it came), or for
     *         speech a {@link ByteStream} of the audio
     * @since 1.3.0
     */
    default ModelResult serve(EndpointRequest request, ProviderContext context) {
        throw unsupported(request.operation().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), context);
    }

    /**
     * Whether the adapter speaks an operation natively that the gateway can also serve by
     * translation: {@link ModelRequest.Operation#RESPONSES}, OpenAI's Responses API, which the
     * gateway otherwise translates onto chat. When every deployment of a model group answers true,
     * Responses calls reach {@link #serve} as they were sent (OpenAI's own tools, reasoning items
     * and stored conversations included), answered as OpenAI's {@code response} object, or as a
     * {@link ByteStream} of its server-sent events when {@code stream} is true.
     *
     * @param operation  the operation
     * @param deployment a deployment the adapter serves
     * @return whether {@link #serve} takes it for this deployment; false by default
     * @since 1.3.0
     */
    default boolean serves(ModelRequest.Operation operation, Deployment deployment) {
        return false;
    }

    /**
     * Authorizes a request the gateway passes through untranslated to this provider's API
     * (LiteLLM's pass-through routes), as the adapter authorizes its own calls: Bedrock's adapter
     * signs it with SigV4. The gateway adds header keys itself; the default returns the request
     * unchanged.
     *
     * @param request    the request as it will be sent, its body final
     * @param deployment whose credentials to use (for a pass-through route, one built from the
     *                   environment: no {@code api_key}, no {@code litellm_params})
     * @return the request to send
     * @since 1.3.0
     */
    default UpstreamRequest authorize(UpstreamRequest request, Deployment deployment) {
        return request;
    }

    /** @return the models the upstream offers, as its own {@code /models} lists them */
    default List<ModelCard> listModels(ProviderContext context) {
        throw unsupported("model listing", context);
    }

    /**
     * @param what    the operation, in words
     * @param context the call
     * @return a 400 saying that this provider does not offer the operation
     */
    static GatewayException unsupported(String what, ProviderContext context) {
        return GatewayException.badRequest("Provider '" + context.deployment().provider()
                + "' (model group '" + context.deployment().modelGroup() + "') does not support " + what
                + ". Use a model group served by a provider that does.", "model");
    }
}
