package dev.sluice.plugins.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.ModelCard;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import dev.sluice.api.Usage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * A testing provider that answers without any network: {@code model: mock/<any-name>}. Replies are
 * deterministic (see {@link MockReplies}), streamed one word per chunk, with usage; embeddings are
 * unit vectors derived from a hash of the input. Like LiteLLM's {@code mock_response}, for
 * offline quickstarts, demos and client tests, never for production traffic.
 */
@Extension
public final class MockProvider implements ProviderAdapter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long CREATED = 1_700_000_000L;

    @Override
    public Set<String> providers() {
        return Set.of("mock");
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        String reply = MockReplies.reply(request, context.deployment().extraParams());
        ObjectNode body = envelope("chat.completion", context);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", reply);
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        body.set("usage", MockReplies.usage(request, reply).toOpenAi());
        return new ModelResponse(body);
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        return stream(request, context, "chat.completion.chunk");
    }

    @Override
    public ModelResponse complete(CompletionRequest request, ProviderContext context) {
        String reply = MockReplies.reply(request, context.deployment().extraParams());
        ObjectNode body = envelope("text_completion", context);
        body.putArray("choices").addObject().put("text", reply).put("index", 0).putNull("logprobs")
                .put("finish_reason", "stop");
        body.set("usage", MockReplies.usage(request, reply).toOpenAi());
        return new ModelResponse(body);
    }

    @Override
    public ChunkStream streamComplete(CompletionRequest request, ProviderContext context) {
        return stream(request, context, "text_completion");
    }

    @Override
    public ModelResponse embed(EmbeddingRequest request, ProviderContext context) {
        JsonNode input = request.body().path("input");
        List<String> texts = new ArrayList<>();
        if (input.isArray()) {
            input.forEach(item -> texts.add(item.isTextual() ? item.asText() : item.toString()));
        } else {
            texts.add(input.asText());
        }
        int dimensions = Math.max(1, Math.min(request.body().path("dimensions").asInt(16), 4096));
        ObjectNode body = NODES.objectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < texts.size(); i++) {
            ArrayNode vector = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            for (double value : unitVector(texts.get(i), dimensions)) {
                vector.add(value);
            }
        }
        body.put("model", context.deployment().providerModel());
        Usage usage = MockReplies.usage(request, "");
        body.putObject("usage").put("prompt_tokens", usage.promptTokens()).put("total_tokens", usage.totalTokens());
        return new ModelResponse(body);
    }

    @Override
    public List<ModelCard> listModels(ProviderContext context) {
        return List.of(new ModelCard(context.deployment().providerModel(), CREATED, "sluice-mock"));
    }

    private ChunkStream stream(ModelRequest request, ProviderContext context, String object) {
        String reply = MockReplies.reply(request, context.deployment().extraParams());
        Usage usage = MockReplies.usage(request, reply);
        List<String> pieces = MockReplies.pieces(reply);
        boolean chat = request.operation() == ModelRequest.Operation.CHAT;
        return new ChunkStream() {
            private int next;

            @Override
            public ChatChunk next() {
                if (next > pieces.size() + 1) {
                    return null;
                }
                ObjectNode chunk = envelope(object, context);
                int index = next++;
                if (index == pieces.size() + 1) {
                    chunk.putArray("choices");
                    chunk.set("usage", usage.toOpenAi());
                    return new ChatChunk(chunk);
                }
                ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                boolean last = index == pieces.size();
                if (chat) {
                    ObjectNode delta = choice.putObject("delta");
                    if (index == 0) {
                        delta.put("role", "assistant");
                    }
                    if (!last) {
                        delta.put("content", pieces.get(index));
                    }
                } else {
                    choice.put("text", last ? "" : pieces.get(index));
                }
                choice.putNull("logprobs");
                if (last) {
                    choice.put("finish_reason", "stop");
                } else {
                    choice.putNull("finish_reason");
                }
                return new ChatChunk(chunk);
            }

            @Override
            public void close() {
                next = Integer.MAX_VALUE - 1;
            }
        };
    }

    private static ObjectNode envelope(String object, ProviderContext context) {
        ObjectNode body = NODES.objectNode();
        body.put("id", (object.startsWith("chat") ? "chatcmpl-" : "cmpl-") + context.callId());
        body.put("object", object);
        body.put("created", CREATED);
        body.put("model", context.deployment().providerModel());
        return body;
    }

    private static double[] unitVector(String text, int dimensions) {
        double[] vector = new double[dimensions];
        byte[] seed = text.getBytes(StandardCharsets.UTF_8);
        double norm = 0;
        for (int block = 0; block * 32 < dimensions; block++) {
            byte[] digest = sha256(seed, block);
            for (int i = 0; i < 32 && block * 32 + i < dimensions; i++) {
                double value = (digest[i] & 0xff) / 127.5 - 1.0;
                vector[block * 32 + i] = value;
                norm += value * value;
            }
        }
        double length = Math.sqrt(norm) == 0 ? 1 : Math.sqrt(norm);
        for (int i = 0; i < dimensions; i++) {
            vector[i] /= length;
        }
        return vector;
    }

    private static byte[] sha256(byte[] seed, int block) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(seed);
            digest.update((byte) block);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
