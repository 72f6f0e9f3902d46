package dev.sluice.api;

/**
 * What a pipeline stage returns: a whole response, a stream of chunks for a streamed request, or
 * (since 1.3.0) a stream of bytes for an answer that is not JSON (speech).
 * A stage that needs the full answer of a stream (spend, cache store) wraps the
 * {@link ChunkStream} and observes chunks as they pass; it never buffers the stream.
 */
public sealed interface ModelResult permits ModelResponse, ChunkStream, ByteStream {
}
