package dev.sluice.core.telemetry;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The budget of an account a call was charged to, as known when the call was admitted: for the
 * remaining-budget gauges.
 *
 * @param accountId {@code key:<hash>}, {@code team:<id>}, ... (only keys and teams are shown)
 * @param maxBudget its budget in USD
 * @param spend     its spend before the call
 */
public record AccountBudget(String accountId, BigDecimal maxBudget, BigDecimal spend) {

    /** Rejects missing parts. */
    public AccountBudget {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(maxBudget, "maxBudget");
        Objects.requireNonNull(spend, "spend");
    }
}
