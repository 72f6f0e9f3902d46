package dev.sluice.api;

import java.util.Objects;

/**
 * One entry of an OpenAI {@code /models} list.
 *
 * @param id      the model name
 * @param created creation time, seconds since the epoch
 * @param ownedBy the owner, e.g. {@code openai}
 */
public record ModelCard(String id, long created, String ownedBy) {

    /** @throws NullPointerException if id or ownedBy is null */
    public ModelCard {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ownedBy, "ownedBy");
    }
}
