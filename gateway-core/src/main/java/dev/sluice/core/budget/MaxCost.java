package dev.sluice.core.budget;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.ModelRequest;
import dev.sluice.api.Usage;
import dev.sluice.core.routing.PromptSize;
import dev.sluice.core.spend.ModelPrice;
import dev.sluice.core.spend.PriceBook;
import java.math.BigDecimal;
import java.util.List;

/**
 * The most a call can cost, for reservations: never less than the real cost. Prompt tokens are
 * bounded by the prompt's characters (a token is at least one character) plus a few per message;
 * output tokens by {@code max_tokens}, else the deployment's {@code max_output_tokens}, else
 * {@link #DEFAULT_OUTPUT_TOKENS}; the price is the highest of the group's deployments.
 */
public final class MaxCost {

    /** The output bound of a call that names none and whose model states none. */
    public static final long DEFAULT_OUTPUT_TOKENS = 4096;

    private MaxCost() {
    }

    /** @return the most the request can cost on any of the deployments */
    public static BigDecimal of(ModelRequest request, List<Deployment> deployments, PriceBook prices) {
        long promptBound = PromptSize.tokensBound(request);
        BigDecimal most = BigDecimal.ZERO;
        for (Deployment deployment : deployments) {
            ModelPrice price = prices.priceOf(deployment).orElse(null);
            if (price == null) {
                continue;
            }
            long outputBound = request.maxOutputTokens().orElse(outputLimit(deployment));
            BigDecimal cost = price.cost(new Usage(promptBound, outputBound, 0, 0));
            most = most.max(cost);
        }
        return most;
    }

    private static long outputLimit(Deployment deployment) {
        JsonNode info = deployment.modelInfo();
        JsonNode limit = info.has("max_output_tokens") ? info.get("max_output_tokens") : info.get("max_tokens");
        return limit != null && limit.canConvertToLong() && limit.asLong() > 0 ? limit.asLong() : DEFAULT_OUTPUT_TOKENS;
    }
}
