package dev.sluice.core.logging;

/** Where the loggers' counts go: the metrics ({@code sluice_logger_events_total}). */
public interface LogOutcomes {

    /** Calls the sink took. */
    String SENT = "sent";
    /** Calls dropped because the callback's queue was full (or the gateway was stopping). */
    String DROPPED = "dropped";
    /** Calls lost with a batch the sink did not take. */
    String FAILED = "failed";

    /**
     * @param logger  the callback's name
     * @param outcome {@link #SENT}, {@link #DROPPED} or {@link #FAILED}
     * @param calls   how many calls
     */
    void count(String logger, String outcome, int calls);
}
