package dev.sluice.core.guardrails;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.FilterChain;
import dev.sluice.api.GatewayException;
import dev.sluice.api.Guardrail;
import dev.sluice.api.GuardrailCheck;
import dev.sluice.api.GuardrailSetup;
import dev.sluice.api.GuardrailVerdict;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.ModelResponse;
import dev.sluice.core.config.GuardrailConfig;
import dev.sluice.core.pipeline.GatewayCallContext;
import dev.sluice.testkit.JdkHttpTransport;
import dev.sluice.testkit.TestHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GuardrailFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A guardrail replacing a word, or refusing any text that holds it. */
    private record WordGuardrail(String word, boolean refuse, boolean inPieces) implements Guardrail {
        @Override
        public String type() {
            return "word-" + word;
        }

        @Override
        public GuardrailCheck open(GuardrailSetup setup) {
            return new GuardrailCheck() {
                @Override
                public GuardrailVerdict check(dev.sluice.api.GuardrailInput input) {
                    if (input.texts().stream().noneMatch(text -> text.contains(word))) {
                        return GuardrailVerdict.pass();
                    }
                    return refuse ? GuardrailVerdict.block("it says " + word)
                            : GuardrailVerdict.replace(input.texts().stream().map(t -> t.replace(word, "[X]")).toList());
                }

                @Override
                public boolean checksStreamsInPieces() {
                    return inPieces;
                }
            };
        }
    }

    private static FilterChain chain(Guardrail guardrail, GuardrailConfig.Mode mode, FilterChain.Terminal terminal) {
        GuardrailConfig config = new GuardrailConfig("g", guardrail.type(), Set.of(mode), true, JSON.createObjectNode(),
                JSON.createObjectNode());
        Guardrails guardrails = Guardrails.open(List.of(config), List.of(guardrail), Map.of(), new JdkHttpTransport(),
                JSON);
        return new FilterChain(List.of(guardrails.filter().orElseThrow()), terminal);
    }

    private static ChatRequest chat(String content) throws Exception {
        return new ChatRequest((ObjectNode) JSON.readTree("{\"model\": \"m\", \"stream\": true, \"guardrails\": [\"g\"], "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"" + content + "\"}]}"));
    }

    private static GatewayCallContext context() {
        return new GatewayCallContext("call-1", Instant.EPOCH, 0, TestHeaders.none(), "127.0.0.1");
    }

    private static ChatChunk chunk(String text) {
        ObjectNode data = JSON.createObjectNode();
        data.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", text);
        return new ChatChunk(data);
    }

    /** A stream of the texts that counts how many chunks were pulled from it. */
    private static final class CountedStream implements ChunkStream {
        private final List<String> texts;
        private int pulled;
        private boolean closed;

        CountedStream(String... texts) {
            this.texts = List.of(texts);
        }

        @Override
        public ChatChunk next() {
            return pulled < texts.size() ? chunk(texts.get(pulled++)) : null;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aPreCallGuardrailRewritesWhatTheUpstreamGetsAndTheGuardrailsFieldNeverGoesUpstream() throws Exception {
        AtomicReference<ModelRequest> sent = new AtomicReference<>();
        chain(new WordGuardrail("secret", false, true), GuardrailConfig.Mode.PRE_CALL, (request, context) -> {
            sent.set(request);
            return new ModelResponse(JSON.createObjectNode());
        }).execute(chat("my secret plan"), context());
        assertEquals("my [X] plan", sent.get().body().path("messages").path(0).path("content").asText());
        assertFalse(sent.get().body().has("guardrails"));
    }

    @Test
    void aStreamIsCheckedSentenceBySentenceWithoutWaitingForItsEnd() throws Exception {
        CountedStream upstream = new CountedStream("Hello ", "secret ", "world. ", "More ", "words ", "follow.");
        ChunkStream checked = (ChunkStream) chain(new WordGuardrail("secret", false, true),
                GuardrailConfig.Mode.POST_CALL, (request, context) -> upstream).execute(chat("hi"), context());
        ChatChunk first = checked.next();
        assertEquals(3, upstream.pulled, "the first sentence's chunks, and no more, were read before the first went on");
        assertEquals("Hello [X] world. ", first.data().path("choices").path(0).path("delta").path("content").asText());
        assertEquals("", checked.next().data().path("choices").path(0).path("delta").path("content").asText());
        assertEquals("", checked.next().data().path("choices").path(0).path("delta").path("content").asText());
        assertEquals("More ", checked.next().data().path("choices").path(0).path("delta").path("content").asText());
        assertEquals(6, upstream.pulled);
    }

    @Test
    void aGuardrailThatJudgesWholeAnswersHoldsTheStreamAndARefusalClosesIt() throws Exception {
        CountedStream upstream = new CountedStream("Fine. ", "Then bad ", "words.");
        ChunkStream checked = (ChunkStream) chain(new WordGuardrail("bad", true, false),
                GuardrailConfig.Mode.POST_CALL, (request, context) -> upstream).execute(chat("hi"), context());
        GatewayException refused = assertThrows(GatewayException.class, checked::next);
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().contains("guardrail 'g'"), refused.getMessage());
        assertTrue(upstream.closed, "the upstream stream is closed");
        CountedStream clean = new CountedStream("All ", "good.");
        ChunkStream passed = (ChunkStream) chain(new WordGuardrail("bad", true, false),
                GuardrailConfig.Mode.POST_CALL, (request, context) -> clean).execute(chat("hi"), context());
        assertEquals("All ", passed.next().data().path("choices").path(0).path("delta").path("content").asText());
        assertEquals(2, clean.pulled, "read whole before the first chunk went on");
        passed.next();
        assertNull(passed.next());
    }

    @Test
    void aDuringCallRefusalAnswersAtOnceAndAbandonsTheUpstreamCall() throws Exception {
        CountDownLatch upstreamStarted = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        FilterChain chain = chain(new WordGuardrail("forbidden", true, false), GuardrailConfig.Mode.DURING_CALL,
                (request, context) -> {
                    upstreamStarted.countDown();
                    try {
                        new CountDownLatch(1).await(); // an upstream that never answers
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    throw GatewayException.of(dev.sluice.api.ErrorKind.UPSTREAM_UNAVAILABLE, "abandoned");
                });
        GatewayException refused = assertThrows(GatewayException.class,
                () -> chain.execute(chat("a forbidden thing"), context()));
        assertEquals(400, refused.status());
        upstreamStarted.await();
        assertTrue(interrupted.await(30, java.util.concurrent.TimeUnit.SECONDS), "the upstream call's thread was "
                + "interrupted (it waits for ever otherwise)");
    }
}
