package dev.sluice.core.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * A party whose spend is counted and limited on a call: a key, an internal user, a team, a team
 * member or a customer. What it does not set itself it takes from its budget tier.
 *
 * @param id        a stable id, e.g. {@code team:<team_id>}, naming its budget and rate counters
 * @param what      the party in words, for errors, e.g. {@code team 'search'}
 * @param maxBudget its budget in USD, if it has one
 * @param spend     its recorded spend in the current window
 * @param limits    its rate limits
 */
public record Account(String id, String what, Optional<BigDecimal> maxBudget, BigDecimal spend,
                      RateLimits limits) {

    /** Rejects missing parts. */
    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(maxBudget, "maxBudget");
        Objects.requireNonNull(spend, "spend");
        Objects.requireNonNull(limits, "limits");
    }

    /**
     * @param id          the account id
     * @param what        the party in words
     * @param row         its row, as a governance table reads it
     * @param budgetField the row's budget column ({@code max_budget}, or {@code max_budget_in_team})
     * @param tier        its budget tier's row, if it names one
     * @return the account, own settings first, then the tier's
     */
    public static Account of(String id, String what, ObjectNode row, String budgetField, Optional<ObjectNode> tier) {
        Optional<BigDecimal> budget = amount(row, budgetField).or(() -> tier.flatMap(t -> amount(t, "max_budget")));
        RateLimits limits = new RateLimits(count(row, tier, "rpm_limit"), count(row, tier, "tpm_limit"),
                count(row, tier, "max_parallel_requests").map(Long::intValue));
        return new Account(id, what, budget, amount(row, "spend").orElse(BigDecimal.ZERO), limits);
    }

    /** @return whether anything about it is limited */
    public boolean limited() {
        return maxBudget.isPresent() || limits.any();
    }

    private static Optional<Long> count(ObjectNode row, Optional<ObjectNode> tier, String field) {
        Optional<Long> own = number(row.get(field)).map(JsonNode::asLong);
        return own.or(() -> tier.flatMap(t -> number(t.get(field))).map(JsonNode::asLong));
    }

    private static Optional<BigDecimal> amount(ObjectNode row, String field) {
        return number(row.get(field)).map(JsonNode::decimalValue);
    }

    private static Optional<JsonNode> number(JsonNode value) {
        return value != null && value.isNumber() ? Optional.of(value) : Optional.empty();
    }
}
