package dev.sluice.core.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.api.Secret;
import org.junit.jupiter.api.Test;

class SealedParamsTest {

    private final SealedParams seal = new SealedParams(new Secret("salt-one"));
    private final String params = "{\"model\":\"openai/gpt-4o\",\"api_key\":\"sk-provider\"}";

    @Test
    void opensWhatItSealedAndNothingShowsThrough() {
        String sealed = seal.seal(params);
        assertFalse(sealed.contains("sk-provider") || sealed.contains("gpt-4o"), sealed);
        assertEquals(params, seal.open(sealed));
        assertNotEquals(sealed, seal.seal(params), "a fresh nonce each time");
    }

    @Test
    void anotherKeyOrAChangedRowDoesNotOpen() {
        String sealed = seal.seal(params);
        assertThrows(IllegalArgumentException.class, () -> new SealedParams(new Secret("salt-two")).open(sealed));
        char[] chars = sealed.toCharArray();
        chars[chars.length - 5] = chars[chars.length - 5] == 'A' ? 'B' : 'A';
        assertThrows(IllegalArgumentException.class, () -> seal.open(new String(chars)));
        assertThrows(IllegalArgumentException.class, () -> seal.open(params));
    }
}
