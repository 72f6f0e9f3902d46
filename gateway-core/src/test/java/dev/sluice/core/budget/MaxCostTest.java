package dev.sluice.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.EndpointRequest;
import dev.sluice.api.ModelRequest;
import dev.sluice.core.spend.PriceBook;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MaxCostTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Deployment GPT = new Deployment("d1", "gpt", "openai", "gpt-4o-mini", Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ofSeconds(30), Duration.ofSeconds(30), Map.of(),
            JSON.createObjectNode(), JSON.createObjectNode());

    private static EndpointRequest responses(String body) throws Exception {
        return new EndpointRequest(ModelRequest.Operation.RESPONSES, (ObjectNode) JSON.readTree(body), List.of());
    }

    @Test
    void aResponsesCallPassedOnNativelyReservesItsPromptAndItsOutputCapLikeChat() throws Exception {
        PriceBook prices = PriceBook.shipped(JSON);
        BigDecimal capped = MaxCost.of(responses("{\"model\": \"gpt\", \"instructions\": \"Be brief.\", "
                + "\"input\": [{\"role\": \"user\", \"content\": [{\"type\": \"input_text\", \"text\": \"Hello there\"}]}],"
                + " \"max_output_tokens\": 1000}"), List.of(GPT), prices);
        BigDecimal uncapped = MaxCost.of(responses("{\"model\": \"gpt\", \"input\": \"Hello there\"}"), List.of(GPT),
                prices);
        BigDecimal outputPrice = prices.priceOf(GPT).orElseThrow().output();
        assertTrue(capped.compareTo(outputPrice.multiply(BigDecimal.valueOf(1000))) > 0, capped.toPlainString());
        assertTrue(capped.compareTo(outputPrice.multiply(BigDecimal.valueOf(1100))) < 0,
                "the prompt is a few tokens, not the body's bytes: " + capped.toPlainString());
        assertTrue(uncapped.compareTo(capped) > 0, "without a cap the model's output limit is reserved");
    }

    @Test
    void endpointsPricedPerUnitKeepTheirOwnWorstCase() throws Exception {
        EndpointRequest moderation = new EndpointRequest(ModelRequest.Operation.MODERATION,
                (ObjectNode) JSON.readTree("{\"model\": \"gpt\", \"input\": \"text\"}"), List.of());
        assertEquals(0, BigDecimal.ZERO.compareTo(MaxCost.of(moderation, List.of(GPT), PriceBook.shipped(JSON))));
    }
}
