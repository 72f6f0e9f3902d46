package dev.sluice.api;

import java.util.Objects;

/**
 * One server-sent event.
 *
 * @param event the {@code event:} name, {@code "message"} when the event named none
 * @param data  the {@code data:} lines joined with {@code \n}
 */
public record SseEvent(String event, String data) {

    /** @throws NullPointerException if a part is null */
    public SseEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
    }
}
