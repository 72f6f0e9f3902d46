package dev.sluice.api;

/**
 * What a pipeline stage returns: a whole response, or a stream of chunks for a streamed request.
 * A stage that needs the full answer of a stream (spend, cache store) wraps the
 * {@link ChunkStream} and observes chunks as they pass; it never buffers the stream.
 */
public sealed interface ModelResult permits ModelResponse, ChunkStream {
}
