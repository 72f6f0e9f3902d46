package dev.sluice.core.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.CallContext;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.GuardrailInput;
import dev.sluice.api.GuardrailVerdict;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A streamed answer under {@code post_call} guardrails. When every one of them checks streams in
 * pieces, chunks are held only until their text reaches a line or sentence end (or 400
 * characters, at a space), then the piece is checked and the chunks passed on, rewritten if a
 * guardrail changed the piece; so the caller's stream lags by one sentence, not by the answer.
 * Otherwise the whole answer is read and checked before its first chunk is passed on. A refusal
 * closes the upstream stream and ends the caller's with the 400 as an error event (or as the
 * answer's status, when nothing was sent yet).
 */
final class CheckedStream implements ChunkStream {

    private static final int LONGEST_PIECE = 400;

    private final ChunkStream upstream;
    private final List<ConfiguredGuardrail> guardrails;
    private final CallContext context;
    private final Map<String, Map<String, Object>> memos;
    private final boolean inPieces;
    private final List<ChatChunk> held = new ArrayList<>();
    private final StringBuilder heldText = new StringBuilder();
    private final Deque<ChatChunk> ready = new ArrayDeque<>();
    private boolean ended;

    CheckedStream(ChunkStream upstream, List<ConfiguredGuardrail> guardrails, CallContext context,
                  Map<String, Map<String, Object>> memos) {
        this.upstream = upstream;
        this.guardrails = guardrails;
        this.context = context;
        this.memos = memos;
        this.inPieces = guardrails.stream().allMatch(guardrail -> guardrail.check().checksStreamsInPieces());
    }

    @Override
    public ChatChunk next() {
        while (ready.isEmpty() && !ended) {
            ChatChunk chunk = upstream.next();
            if (chunk == null) {
                ended = true;
                release();
                break;
            }
            held.add(chunk);
            Texts.ofChunk(chunk.data()).forEach(heldText::append);
            boolean finished = chunk.data().path("choices").path(0).hasNonNull("finish_reason");
            if (inPieces && (finished || pieceEnds())) {
                release();
            }
        }
        return ready.pollFirst();
    }

    private boolean pieceEnds() {
        int last = heldText.length() - 1;
        if (last < 0) {
            return false;
        }
        if (heldText.length() >= LONGEST_PIECE && Character.isWhitespace(heldText.charAt(last))) {
            return true;
        }
        while (last >= 0 && heldText.charAt(last) != '\n' && Character.isWhitespace(heldText.charAt(last))) {
            last--; // "world. " ends a sentence as "world." does
        }
        char end = last < 0 ? ' ' : heldText.charAt(last);
        return end == '\n' || end == '.' || end == '!' || end == '?';
    }

    /** Checks the held text and passes the held chunks on, rewritten if a guardrail changed the text. */
    private void release() {
        String text = heldText.toString();
        String checked = text;
        if (!text.isEmpty()) {
            try {
                for (ConfiguredGuardrail guardrail : guardrails) {
                    GuardrailVerdict verdict = guardrail.ask(GuardrailInput.RESPONSE, List.of(checked), context,
                            GuardrailFilter.memo(memos, guardrail));
                    if (verdict.action() == GuardrailVerdict.Action.GUARDRAIL_INTERVENED) {
                        checked = verdict.texts().get(0);
                    }
                }
            } catch (RuntimeException refused) {
                upstream.close();
                held.clear();
                throw refused;
            }
        }
        boolean rewrite = !checked.equals(text);
        for (ChatChunk chunk : held) {
            ready.addLast(rewrite ? rewritten(chunk, checked) : chunk);
            if (rewrite && !Texts.ofChunk(chunk.data()).isEmpty()) {
                checked = ""; // the piece's text goes whole into its first chunk that carried text
            }
        }
        held.clear();
        heldText.setLength(0);
    }

    private ChatChunk rewritten(ChatChunk chunk, String text) {
        JsonNode delta = chunk.data().path("choices").path(0).path("delta");
        if (!delta.path("content").isTextual()) {
            return chunk;
        }
        ObjectNode copy = chunk.data().deepCopy();
        ((ObjectNode) copy.path("choices").path(0).path("delta")).put("content", text);
        return new ChatChunk(copy);
    }

    @Override
    public void close() {
        upstream.close();
    }
}
