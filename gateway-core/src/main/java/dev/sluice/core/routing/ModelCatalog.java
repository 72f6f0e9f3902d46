package dev.sluice.core.routing;

import dev.sluice.api.ProviderAdapter;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.DeploymentConfig;
import dev.sluice.core.config.RouterSettings.GroupAlias;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The model groups: each {@code model_name} with its deployments, each deployment bound to the
 * provider plugin that serves its prefix. A name a caller uses is found as a group, then as a
 * {@code model_group_alias}, then by the wildcard groups ({@code openai/*}, {@code *}), the most
 * specific first. The list can be replaced while calls run (models stored in the database):
 * each lookup reads one consistent snapshot, and deployments that stay keep their load.
 */
public final class ModelCatalog {

    private volatile List<ProviderAdapter> adapters;
    private volatile List<DeploymentConfig> modelList;
    private final Map<String, GroupAlias> aliases;
    private final DeploymentFacts facts;
    private volatile CatalogSnapshot current;
    private volatile java.util.function.Consumer<List<DeploymentConfig>> modelsChanged = models -> { };

    /** A catalog without aliases or price facts. */
    public ModelCatalog(List<DeploymentConfig> modelList, List<ProviderAdapter> adapters) {
        this(modelList, adapters, Map.of(), DeploymentFacts.NONE);
    }

    /**
     * Binds deployments to adapters and lets each adapter check its deployments' settings.
     *
     * @param modelList the configured deployments
     * @param adapters  the provider adapters of the started plugins
     * @param aliases   {@code model_group_alias}
     * @param facts     prices and context windows
     * @throws ConfigException when an adapter refuses a deployment's settings or an alias names no group
     */
    public ModelCatalog(List<DeploymentConfig> modelList, List<ProviderAdapter> adapters,
                        Map<String, GroupAlias> aliases, DeploymentFacts facts) {
        this.adapters = List.copyOf(adapters);
        this.modelList = List.copyOf(modelList);
        this.aliases = Map.copyOf(aliases);
        this.facts = facts;
        this.current = new CatalogSnapshot(modelList, this.adapters, this.aliases, facts, Map.of());
    }

    /** @return the loaded plugin's adapter of a provider prefix, if one is loaded */
    public Optional<ProviderAdapter> adapterFor(String provider) {
        return adapters.stream().filter(adapter -> adapter.providers().contains(provider)).findFirst();
    }

    /** @return what the price book knows of the deployments' models */
    public DeploymentFacts facts() {
        return facts;
    }

    /**
     * Serves a new model list from now on; calls under way finish on the old one.
     *
     * @throws ConfigException when an adapter refuses a deployment's settings or an alias loses its group;
     *                         the catalog is then unchanged
     */
    public synchronized void replace(List<DeploymentConfig> modelList) {
        rebuild(List.copyOf(modelList), adapters);
    }

    /**
     * Binds the deployments to a new set of provider adapters (plugins added, replaced or removed
     * while serving); calls under way finish on the adapters they started with.
     *
     * @throws ConfigException when a new adapter refuses a deployment's settings; the catalog is then unchanged
     */
    public synchronized void replaceAdapters(List<ProviderAdapter> adapters) {
        rebuild(modelList, List.copyOf(adapters));
    }

    /** @param listener told the model list after each change of it (models stored or deleted at run time) */
    public void onModelsChanged(java.util.function.Consumer<List<DeploymentConfig>> listener) {
        this.modelsChanged = listener;
    }

    private void rebuild(List<DeploymentConfig> models, List<ProviderAdapter> providers) {
        Map<String, DeploymentLoad> loads = new HashMap<>();
        current.deployments().forEach(served -> loads.put(served.config().deployment().id(), served.load()));
        current = new CatalogSnapshot(models, providers, aliases, facts, loads);
        boolean listChanged = !models.equals(modelList);
        modelList = models;
        adapters = providers;
        if (listChanged) {
            modelsChanged.accept(models);
        }
    }

    /**
     * @param name the model a caller asked for
     * @return the group's name and the routes of its deployments, if the name is served
     */
    public Optional<ResolvedGroup> resolve(String name) {
        return current.resolve(name);
    }

    /**
     * @return the access groups of {@code model_info.access_groups}: each name with the model
     *         groups whose deployments list it
     */
    public Map<String, Set<String>> accessGroups() {
        return current.accessGroups();
    }

    /** @return the deployments of a model group (by its exact name), if the group exists */
    public Optional<List<ServedDeployment>> group(String modelName) {
        return current.group(modelName);
    }

    /** @return the model group names, in list order, then the aliases {@code /v1/models} shows */
    public List<String> groupNames() {
        return current.groupNames();
    }

    /** @return every deployment, in list order */
    public List<ServedDeployment> deployments() {
        return current.deployments();
    }

    /**
     * Checks a deployment as the catalog would bind it: a loaded plugin serves its provider, and
     * that plugin takes its settings.
     *
     * @throws ConfigException naming the field when not
     */
    public void check(DeploymentConfig model) {
        Optional<ProviderAdapter> adapter = adapters.stream()
                .filter(candidate -> candidate.providers().contains(model.deployment().provider())).findFirst();
        if (adapter.isEmpty()) {
            throw new ConfigException("litellm_params.model", "no loaded plugin serves provider '"
                    + model.deployment().provider() + "'; check the prefix, or install the provider's plugin");
        }
        try {
            adapter.get().validate(model.deployment());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("litellm_params", e.getMessage());
        }
    }

    /** @return the deployments whose provider no loaded plugin serves */
    public List<ServedDeployment> unserved() {
        return current.unserved();
    }

    /**
     * A model group found for a name.
     *
     * @param asked  the name the caller used
     * @param name   the group's configured name (a wildcard pattern for a wildcard group)
     * @param routes its deployments as this call would use them
     */
    public record ResolvedGroup(String asked, String name, List<Route> routes) {
    }

}
