package dev.sluice.api;

import java.util.List;
import java.util.Optional;

/** Read-only, case-insensitive view of a request's HTTP headers. */
public interface Headers {

    /** @return the first value of the header, if present */
    Optional<String> first(String name);

    /** @return every value of the header, empty if absent */
    List<String> all(String name);
}
