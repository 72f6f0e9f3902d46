package dev.sluice.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a model added at run time ({@code /model/new}, or read back from the database) exactly
 * as a {@code model_list} entry of the config: the same fields and checks, the config's default
 * timeouts and {@code drop_params}, {@code os.environ/NAME} values resolved.
 */
public final class ModelEntryReader {

    private final Duration timeout;
    private final Optional<Duration> streamTimeout;
    private final boolean dropParams;
    private final Map<String, String> environment;

    ModelEntryReader(Duration timeout, Optional<Duration> streamTimeout, boolean dropParams,
                     Map<String, String> environment) {
        this.timeout = timeout;
        this.streamTimeout = streamTimeout;
        this.dropParams = dropParams;
        this.environment = Map.copyOf(environment);
    }

    /**
     * @param entry {@code {"model_name", "litellm_params", "model_info"}}; not changed
     * @return the deployment
     * @throws ConfigException naming the field (as {@code litellm_params.model}) when the entry is not valid
     */
    public DeploymentConfig read(JsonNode entry) {
        JsonNode copy = entry.deepCopy();
        ConfigNode root = ConfigNode.root(copy);
        root.object();
        new EnvironmentResolver(environment, new java.util.ArrayList<>()).resolve(copy, "");
        DeploymentConfig deployment = ConfigLoader.deployment(root, timeout, streamTimeout, 0, new HashSet<>());
        if (dropParams) {
            deployment.deployment().extraParams().putIfAbsent("drop_params", BooleanNode.TRUE);
        }
        return deployment;
    }
}
