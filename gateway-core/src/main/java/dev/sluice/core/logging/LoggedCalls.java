package dev.sluice.core.logging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.LoggedCall;

/**
 * One ended call on its way to the loggers. Its payload is made once, by whichever logger's
 * thread needs it first, and shared by all of them.
 */
final class LoggedCalls {

    private final EndedCall call;
    private final boolean withMessages;
    private final ObjectMapper json;
    private volatile LoggedCall made;

    LoggedCalls(EndedCall call, boolean withMessages, ObjectMapper json) {
        this.call = call;
        this.withMessages = withMessages;
        this.json = json;
    }

    /** @return LiteLLM's event type of the call */
    String eventType() {
        return call.succeeded() ? LoggedCall.SUCCESS : LoggedCall.FAILURE;
    }

    /** @return the call as loggers receive it */
    LoggedCall logged() {
        LoggedCall logged = made;
        if (logged == null) {
            synchronized (this) {
                logged = made;
                if (logged == null) {
                    logged = new LoggedCall(call.callId(), call.succeeded(),
                            StandardPayload.of(call, withMessages, json));
                    made = logged;
                }
            }
        }
        return logged;
    }
}
