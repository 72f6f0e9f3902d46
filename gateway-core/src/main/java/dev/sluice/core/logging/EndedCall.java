package dev.sluice.core.logging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.GatewayException;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.Principal;
import dev.sluice.api.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * What a logger is told of one call, taken when it ended: references only, so that taking it costs
 * the call next to nothing; the JSON payload is made from it later, on a logger's thread.
 *
 * @param callId        the call's id
 * @param request       the request as the router got it
 * @param answer        the answer's body, or for a stream the text it delivered, when messages are logged
 * @param failure       why it failed, if it did
 * @param caller        who called, once authenticated
 * @param teamAlias     the caller's team's alias
 * @param deployment    the deployment that answered, or last failed
 * @param usage         the tokens used
 * @param cost          what it cost in USD
 * @param cacheHit      whether the answer came from the cache
 * @param callType      the spend log's call type, if the spend stage set one
 * @param clientAddress the caller's address
 * @param startedAt     when the request arrived
 * @param firstChunkAt  when a stream's first chunk left, if it was a stream that sent one
 * @param endedAt       when the answer ended
 */
record EndedCall(String callId, ModelRequest request, Optional<JsonNode> answer, Optional<GatewayException> failure,
                 Optional<Principal> caller, Optional<String> teamAlias, Optional<Deployment> deployment, Usage usage,
                 BigDecimal cost, boolean cacheHit, Optional<String> callType, String clientAddress, Instant startedAt,
                 Optional<Instant> firstChunkAt, Instant endedAt) {

    /** @return whether the caller got its answer */
    boolean succeeded() {
        return failure.isEmpty();
    }
}
