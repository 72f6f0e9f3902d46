package dev.sluice.core.routing;

import dev.sluice.api.ProviderAdapter;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.DeploymentConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configured model groups: each {@code model_name} with its deployments, each deployment bound
 * to the provider plugin that serves its prefix.
 */
public final class ModelCatalog {

    private final Map<String, List<ServedDeployment>> groups;
    private final List<ServedDeployment> deployments;
    private final Map<String, Set<String>> accessGroups;

    /**
     * Binds deployments to adapters and lets each adapter check its deployments' settings.
     *
     * @param modelList the configured deployments
     * @param adapters  the provider adapters of the started plugins
     * @throws ConfigException when an adapter refuses a deployment's settings
     */
    public ModelCatalog(List<DeploymentConfig> modelList, List<ProviderAdapter> adapters) {
        Map<String, ProviderAdapter> byProvider = new LinkedHashMap<>();
        for (ProviderAdapter adapter : adapters) {
            for (String provider : adapter.providers()) {
                byProvider.putIfAbsent(provider, adapter);
            }
        }
        Map<String, List<ServedDeployment>> grouped = new LinkedHashMap<>();
        List<ServedDeployment> all = new ArrayList<>();
        for (int i = 0; i < modelList.size(); i++) {
            DeploymentConfig config = modelList.get(i);
            Optional<ProviderAdapter> adapter = Optional.ofNullable(byProvider.get(config.deployment().provider()));
            if (adapter.isPresent()) {
                try {
                    adapter.get().validate(config.deployment());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("model_list[" + i + "].litellm_params", e.getMessage());
                }
            }
            ServedDeployment served = new ServedDeployment(config, adapter);
            all.add(served);
            grouped.computeIfAbsent(config.deployment().modelGroup(), name -> new ArrayList<>()).add(served);
        }
        grouped.replaceAll((name, list) -> List.copyOf(list));
        this.groups = Collections.unmodifiableMap(grouped);
        this.deployments = List.copyOf(all);
        Map<String, Set<String>> groupsByAccess = new LinkedHashMap<>();
        for (ServedDeployment served : all) {
            for (var accessGroup : served.config().deployment().modelInfo().path("access_groups")) {
                if (accessGroup.isTextual()) {
                    groupsByAccess.computeIfAbsent(accessGroup.asText(), name -> new TreeSet<>())
                            .add(served.config().deployment().modelGroup());
                }
            }
        }
        groupsByAccess.replaceAll((name, members) -> Set.copyOf(members));
        this.accessGroups = Map.copyOf(groupsByAccess);
    }

    /**
     * @return the access groups of {@code model_info.access_groups}: each name with the model
     *         groups whose deployments list it
     */
    public Map<String, Set<String>> accessGroups() {
        return accessGroups;
    }

    /** @return the deployments of a model group, if the group exists */
    public Optional<List<ServedDeployment>> group(String modelName) {
        return Optional.ofNullable(groups.get(modelName));
    }

    /** @return the model group names, in config order */
    public List<String> groupNames() {
        return List.copyOf(groups.keySet());
    }

    /** @return every deployment, in config order */
    public List<ServedDeployment> deployments() {
        return deployments;
    }

    /** @return the deployments whose provider no loaded plugin serves */
    public List<ServedDeployment> unserved() {
        return deployments.stream().filter(served -> served.adapter().isEmpty()).toList();
    }
}
