package dev.sluice.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The lines of a UTF-8 stream as the bytes arrive, ended by LF, CR or CRLF; for the readers here. */
final class Lines {

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private boolean skipLineFeed;

    Lines(InputStream in) {
        this.in = in;
    }

    /**
     * @return the next line without its end, or {@code null} at the end of the stream
     * @throws UncheckedIOException if reading fails
     */
    String next() {
        int length = 0;
        while (true) {
            if (position == limit && !fill()) {
                return length == 0 ? null : new String(line, 0, length, StandardCharsets.UTF_8);
            }
            byte b = buffer[position++];
            if (skipLineFeed) {
                skipLineFeed = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                skipLineFeed = b == '\r';
                return new String(line, 0, length, StandardCharsets.UTF_8);
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, length * 2);
            }
            line[length++] = b;
        }
    }

    private boolean fill() {
        try {
            int read = in.read(buffer);
            if (read <= 0) {
                return false;
            }
            position = 0;
            limit = read;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
