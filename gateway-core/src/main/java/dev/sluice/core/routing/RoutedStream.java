package dev.sluice.core.routing;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.GatewayException;

/**
 * A stream whose first chunk the router has already read (so a failure before it could still be
 * retried), passed on with the rest; when it ends it tells the deployment's load how it went:
 * its tokens if it finished or the client left, its failure if the upstream broke off.
 */
final class RoutedStream implements ChunkStream {

    private final ChunkStream stream;
    private final AdmittedRoute route;
    private final Router.Outcomes outcomes;
    private ChatChunk first;
    private boolean firstTaken;
    private long tokens;
    private boolean settled;

    RoutedStream(ChatChunk first, ChunkStream stream, AdmittedRoute route, Router.Outcomes outcomes) {
        this.first = first;
        this.stream = stream;
        this.route = route;
        this.outcomes = outcomes;
    }

    @Override
    public ChatChunk next() {
        ChatChunk chunk;
        if (!firstTaken) {
            firstTaken = true;
            chunk = first;
            first = null;
        } else {
            try {
                chunk = stream.next();
            } catch (GatewayException e) {
                if (!settled) {
                    settled = true;
                    outcomes.failed(route, e);
                }
                throw e;
            }
        }
        if (chunk != null) {
            chunk.usage().ifPresent(usage -> tokens = usage.totalTokens());
        }
        return chunk;
    }

    @Override
    public void close() {
        try {
            stream.close();
        } finally {
            if (!settled) {
                settled = true;
                outcomes.finished(route, tokens);
            }
        }
    }
}
