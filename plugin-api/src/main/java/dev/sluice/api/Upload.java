package dev.sluice.api;

import java.util.Objects;

/**
 * A file part of a multipart request (an image to edit, audio to transcribe), as the caller sent it.
 *
 * @param field       the form field, e.g. {@code file} or {@code image}
 * @param filename    the file's name as sent, e.g. {@code speech.mp3}
 * @param contentType its media type, e.g. {@code audio/mpeg}
 * @param bytes       its content; read-only by contract
 * @since 1.3.0
 */
public record Upload(String field, String filename, String contentType, byte[] bytes) {

    /** Rejects missing parts. */
    public Upload {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** Never shows the content: it may be large, and it is the caller's. */
    @Override
    public String toString() {
        return "Upload[" + field + ", " + filename + ", " + contentType + ", " + bytes.length + " bytes]";
    }
}
