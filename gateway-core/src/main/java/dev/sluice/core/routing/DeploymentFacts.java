package dev.sluice.core.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Deployment;
import dev.sluice.api.TokenPrice;
import java.util.Optional;
import java.util.OptionalLong;

/** What the gateway knows of a deployment's model from its price book: price, context window, the rest of its entry. */
public interface DeploymentFacts {

    /** Knows nothing: no prices, no context windows. */
    DeploymentFacts NONE = new DeploymentFacts() {
        @Override
        public Optional<TokenPrice> price(Deployment deployment) {
            return Optional.empty();
        }

        @Override
        public OptionalLong contextWindow(Deployment deployment) {
            return OptionalLong.empty();
        }
    };

    /** @return what the deployment charges per token, if known */
    Optional<TokenPrice> price(Deployment deployment);

    /** @return the most prompt tokens the deployment's model takes, if known */
    OptionalLong contextWindow(Deployment deployment);

    /**
     * @return all that is known of the deployment's model (LiteLLM's model cost map entry: prices,
     *         limits, mode, capabilities, and the {@code key} it was found under), for /model/info
     */
    default Optional<ObjectNode> knownInfo(Deployment deployment, ObjectMapper json) {
        return Optional.empty();
    }
}
