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
import java.util.OptionalLong;

/**
 * The most a call can cost, for reservations. Prompt tokens are counted with OpenAI's tokenizer
 * ({@link PromptSize}): exact for OpenAI's models, and given {@link #OTHER_TOKENIZER_MARGIN} for
 * the others, whose tokenizers split text differently; output tokens are bounded by
 * {@code max_tokens}, else the deployment's {@code max_output_tokens}, else
 * {@link #DEFAULT_OUTPUT_TOKENS}; the price is the highest of the group's deployments. So a key
 * with budget for K calls admits K of them at once, and a call never costs more than it reserved
 * by more than another vendor's tokenizer differs from OpenAI's by over the margin.
 */
public final class MaxCost {

    /** The output bound of a call that names none and whose model states none. */
    public static final long DEFAULT_OUTPUT_TOKENS = 4096;

    /** How much more than OpenAI's count of a prompt another vendor's tokenizer is held to reach. */
    public static final double OTHER_TOKENIZER_MARGIN = 1.3;

    private MaxCost() {
    }

    /** @return the most the request can cost on any of the deployments */
    public static BigDecimal of(ModelRequest request, List<Deployment> deployments, PriceBook prices) {
        if (request instanceof dev.sluice.api.EndpointRequest endpoint
                && endpoint.operation() != ModelRequest.Operation.RESPONSES) { // native Responses: priced by tokens
            BigDecimal most = BigDecimal.ZERO;
            for (Deployment deployment : deployments) {
                most = most.max(dev.sluice.core.spend.EndpointPricing.most(endpoint, deployment, prices));
            }
            return most;
        }
        long promptTokens = -1;
        BigDecimal most = BigDecimal.ZERO;
        for (Deployment deployment : deployments) {
            ModelPrice price = prices.priceOf(deployment).orElse(null);
            if (price == null) {
                continue;
            }
            promptTokens = promptTokens >= 0 ? promptTokens : PromptSize.tokens(request);
            long promptBound = usesOpenAiTokenizer(deployment) ? promptTokens
                    : (long) Math.ceil(promptTokens * OTHER_TOKENIZER_MARGIN);
            long outputBound = outputCap(request).orElse(outputLimit(deployment));
            BigDecimal cost = price.cost(new Usage(promptBound, outputBound, 0, 0));
            most = most.max(cost);
        }
        return most;
    }

    private static OptionalLong outputCap(ModelRequest request) {
        JsonNode cap = request.body().get("max_output_tokens"); // the Responses API's name for it
        return cap != null && cap.canConvertToLong() ? OptionalLong.of(cap.asLong()) : request.maxOutputTokens();
    }

    /** OpenAI's GPT and o-series models, wherever they are served from (OpenAI, Azure, a proxy). */
    static boolean usesOpenAiTokenizer(Deployment deployment) {
        String model = deployment.qualifiedModel();
        String name = model.substring(model.indexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
        boolean oSeries = name.length() > 1 && name.charAt(0) == 'o' && Character.isDigit(name.charAt(1));
        return oSeries || name.startsWith("gpt-") || name.startsWith("chatgpt-") || name.startsWith("text-embedding-");
    }

    private static long outputLimit(Deployment deployment) {
        JsonNode info = deployment.modelInfo();
        JsonNode limit = info.has("max_output_tokens") ? info.get("max_output_tokens") : info.get("max_tokens");
        return limit != null && limit.canConvertToLong() && limit.asLong() > 0 ? limit.asLong() : DEFAULT_OUTPUT_TOKENS;
    }
}
