package dev.sluice.core.plugin;

import dev.sluice.api.ByteStream;
import dev.sluice.core.pipeline.CallEnd;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.CompletionRequest;
import dev.sluice.api.Deployment;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.ModelCard;
import dev.sluice.api.ModelResponse;
import dev.sluice.api.ModelResult;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.api.ProviderContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A plugin's provider adapter, counting the calls it is serving (a stream until it ends or is
 * closed), so a plugin that is removed or replaced is unloaded only once its calls are done.
 */
final class TrackedAdapter implements ProviderAdapter {

    private final ProviderAdapter adapter;
    private final AtomicInteger inFlight;
    private final String pluginId;

    TrackedAdapter(ProviderAdapter adapter, AtomicInteger inFlight, String pluginId) {
        this.adapter = adapter;
        this.inFlight = inFlight;
        this.pluginId = pluginId;
    }

    /** @return the plugin and the adapter's class, as log lines name it */
    @Override
    public String toString() {
        return "plugin " + pluginId + " (" + adapter.getClass().getName() + ")";
    }

    @Override
    public Set<String> providers() {
        return adapter.providers();
    }

    @Override
    public void validate(Deployment deployment) {
        adapter.validate(deployment);
    }

    @Override
    public boolean serves(dev.sluice.api.ModelRequest.Operation operation, Deployment deployment) {
        return adapter.serves(operation, deployment);
    }

    @Override
    public dev.sluice.api.UpstreamRequest authorize(dev.sluice.api.UpstreamRequest request, Deployment deployment) {
        return adapter.authorize(request, deployment);
    }

    @Override
    public Set<String> chatParams(Deployment deployment) {
        return adapter.chatParams(deployment);
    }

    @Override
    public ModelResponse chat(ChatRequest request, ProviderContext context) {
        return counted(() -> adapter.chat(request, context));
    }

    @Override
    public ChunkStream streamChat(ChatRequest request, ProviderContext context) {
        return countedStream(() -> adapter.streamChat(request, context));
    }

    @Override
    public ModelResponse complete(CompletionRequest request, ProviderContext context) {
        return counted(() -> adapter.complete(request, context));
    }

    @Override
    public ChunkStream streamComplete(CompletionRequest request, ProviderContext context) {
        return countedStream(() -> adapter.streamComplete(request, context));
    }

    @Override
    public ModelResponse embed(EmbeddingRequest request, ProviderContext context) {
        return counted(() -> adapter.embed(request, context));
    }

    /** A call answered in bytes stays in flight until its bytes are closed, as a stream does. */
    @Override
    public ModelResult serve(dev.sluice.api.EndpointRequest request, ProviderContext context) {
        inFlight.incrementAndGet();
        ModelResult result;
        try {
            result = adapter.serve(request, context);
        } catch (RuntimeException | Error e) {
            inFlight.decrementAndGet();
            throw e;
        }
        if (!(result instanceof ByteStream bytes)) {
            inFlight.decrementAndGet();
            return result;
        }
        return CallEnd.onClose(bytes, inFlight::decrementAndGet);
    }

    @Override
    public List<ModelCard> listModels(ProviderContext context) {
        return counted(() -> adapter.listModels(context));
    }

    private <T> T counted(Supplier<T> call) {
        inFlight.incrementAndGet();
        try {
            return call.get();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private ChunkStream countedStream(Supplier<ChunkStream> open) {
        inFlight.incrementAndGet();
        ChunkStream stream;
        try {
            stream = open.get();
        } catch (RuntimeException | Error e) {
            inFlight.decrementAndGet();
            throw e;
        }
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        return new ChunkStream() {
            @Override
            public ChatChunk next() {
                try {
                    ChatChunk chunk = stream.next();
                    if (chunk == null) {
                        end.run();
                    }
                    return chunk;
                } catch (RuntimeException e) {
                    end.run();
                    throw e;
                }
            }

            @Override
            public void close() {
                try {
                    stream.close();
                } finally {
                    end.run();
                }
            }
        };
    }
}
