package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    @Test
    void readsLinesEndedEveryWaySkippingBlankOnes() {
        LineReader reader = new LineReader(new ByteArrayInputStream(
                "{\"a\":1}\n\n{\"b\":2}\r\n  \r\n{\"c\":3}\r{\"d\":4}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"a\":1}", reader.next());
        assertEquals("{\"b\":2}", reader.next());
        assertEquals("{\"c\":3}", reader.next());
        assertEquals("{\"d\":4}", reader.next(), "a last line without a line end");
        assertNull(reader.next());
        assertNull(reader.next());
    }

    @Test
    void readsLinesSplitAcrossReadsAndMultiByteCharacters() {
        byte[] bytes = "{\"text\":\"héllo wörld ✓\"}\n".getBytes(StandardCharsets.UTF_8);
        InputStream oneByteAtATime = new OneByteAtATime(bytes);
        assertEquals("{\"text\":\"héllo wörld ✓\"}", new LineReader(oneByteAtATime).next());
    }

    @Test
    void aConnectionThatBreaksOffIsAnUncheckedIoException() {
        InputStream breaks = new InputStream() {
            private boolean sent;

            @Override
            public int read() throws IOException {
                throw new IOException("Connection reset");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (!sent) {
                    sent = true;
                    byte[] line = "{\"a\":1}\n{\"b\"".getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(line, 0, b, off, line.length);
                    return line.length;
                }
                throw new IOException("Connection reset");
            }
        };
        LineReader reader = new LineReader(breaks);
        assertEquals("{\"a\":1}", reader.next());
        UncheckedIOException broken = assertThrows(UncheckedIOException.class, reader::next);
        assertEquals("Connection reset", broken.getCause().getMessage());
    }
}
