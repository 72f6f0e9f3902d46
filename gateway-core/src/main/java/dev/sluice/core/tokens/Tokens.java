package dev.sluice.core.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Token counts with OpenAI's o200k tokenizer (GPT-4o, the o-series), through jtokkit: exact for
 * those models, close for the others (which is why budget reservations add a margin for them,
 * see {@code MaxCost}). Loaded on first use, once per process.
 */
public final class Tokens {

    private Tokens() {
    }

    private static final class Holder {
        static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    /** @return how many tokens the text is */
    public static int count(CharSequence text) {
        return text.isEmpty() ? 0 : Holder.O200K.countTokensOrdinary(text.toString());
    }
}
