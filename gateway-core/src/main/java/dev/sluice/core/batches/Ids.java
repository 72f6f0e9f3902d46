package dev.sluice.core.batches;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Ids with OpenAI's prefixes ({@code file-}, {@code batch_}, {@code batch_req_}), unguessable. */
final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    static String of(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + (prefix.equals("file") ? "-" : "_") + HexFormat.of().formatHex(bytes);
    }
}
