package dev.sluice.core.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Token counts with OpenAI's o200k tokenizer (GPT-4o, the o-series), through jtokkit: exact for
 * those models, close for the others (which is why budget reservations add a margin for them,
 * see {@code MaxCost}). Loaded on first use, once per process.
 *
 * <p>Prompts repeat: a system prompt on every call, a conversation's history on each of its turns.
 * Counts are remembered (up to 4 million characters of text), so the request path pays a lookup
 * for a text seen before, not a count: about 0.1 µs where o200k's pattern costs microseconds.
 */
public final class Tokens {

    private static final Cache<String, Integer> COUNTS = Caffeine.newBuilder()
            .maximumWeight(4_000_000) // characters: the texts are held as keys
            .weigher((String text, Integer count) -> text.length())
            .build();

    private Tokens() {
    }

    private static final class Holder {
        static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    /** @return how many tokens the text is */
    public static int count(CharSequence text) {
        if (text.isEmpty()) {
            return 0;
        }
        String string = text.toString();
        if (string.length() > 1_000_000) {
            return Holder.O200K.countTokensOrdinary(string);
        }
        return COUNTS.get(string, Holder.O200K::countTokensOrdinary);
    }
}
