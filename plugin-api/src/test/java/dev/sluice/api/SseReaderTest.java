package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static SseReader reader(String text) {
        return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsEventsSeparatedByBlankLines() {
        SseReader reader = reader("data: {\"a\":1}\n\ndata: [DONE]\n\n");
        assertEquals(new SseEvent("message", "{\"a\":1}"), reader.next());
        assertEquals(new SseEvent("message", "[DONE]"), reader.next());
        assertNull(reader.next());
    }

    @Test
    void keepsEventNamesJoinsDataLinesAndSkipsComments() {
        SseReader reader = reader(": keep-alive\r\nevent: message_start\r\ndata: one\r\ndata: two\r\n\r\n");
        assertEquals(new SseEvent("message_start", "one\ntwo"), reader.next());
        assertNull(reader.next());
    }

    @Test
    void returnsTheLastEventWhenTheStreamEndsWithoutABlankLine() {
        SseReader reader = reader("data: last");
        assertEquals(new SseEvent("message", "last"), reader.next());
        assertNull(reader.next());
    }

    @Test
    void readsEventsSplitAcrossReadsAndMultiByteCharacters() {
        byte[] bytes = "data: héllo wörld\n\n".getBytes(StandardCharsets.UTF_8);
        InputStream oneByteAtATime = new OneByteAtATime(bytes);
        assertEquals("héllo wörld", new SseReader(oneByteAtATime).next().data());
    }
}
