package dev.sluice.core.routing;

import dev.sluice.api.Deployment;
import dev.sluice.api.ProviderAdapter;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.config.DeploymentConfig;
import dev.sluice.core.config.RouterSettings.GroupAlias;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The model groups of one model list; {@link ModelCatalog} swaps a new one in when the list changes. */
final class CatalogSnapshot {

    private final Map<String, List<ServedDeployment>> groups;
    private final Map<String, List<Route>> routes;
    private final List<WildcardGroup> wildcards;
    private final Map<String, GroupAlias> aliases;
    private final List<ServedDeployment> deployments;
    private final Map<String, Set<String>> accessGroups;
    private final DeploymentFacts facts;

    /**
     * Binds deployments to adapters and lets each adapter check its deployments' settings.
     *
     * @param modelList the configured deployments
     * @param adapters  the provider adapters of the started plugins
     * @param aliases   {@code model_group_alias}
     * @param facts     prices and context windows
     * @param loads     the loads of the deployments of the list this one replaces, by id: a
     *                  deployment that stays keeps its counts and cooldown
     * @throws ConfigException when an adapter refuses a deployment's settings or an alias names no group
     */
    CatalogSnapshot(List<DeploymentConfig> modelList, List<ProviderAdapter> adapters,
                    Map<String, GroupAlias> aliases, DeploymentFacts facts, Map<String, DeploymentLoad> loads) {
        this.facts = facts;
        Map<String, ProviderAdapter> byProvider = new LinkedHashMap<>();
        for (ProviderAdapter adapter : adapters) {
            for (String provider : adapter.providers()) {
                byProvider.putIfAbsent(provider, adapter);
            }
        }
        Map<String, Integer> groupSizes = new LinkedHashMap<>();
        modelList.forEach(config -> groupSizes.merge(config.deployment().modelGroup(), 1, Integer::sum));
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
            DeploymentLoad load = loads.getOrDefault(config.deployment().id(), new DeploymentLoad());
            ServedDeployment served = new ServedDeployment(config, adapter, load,
                    groupSizes.get(config.deployment().modelGroup()) == 1);
            all.add(served);
            grouped.computeIfAbsent(config.deployment().modelGroup(), name -> new ArrayList<>()).add(served);
        }
        grouped.replaceAll((name, list) -> List.copyOf(list));
        this.groups = Collections.unmodifiableMap(grouped);
        this.deployments = List.copyOf(all);
        Map<String, List<Route>> fixedRoutes = new LinkedHashMap<>();
        List<WildcardGroup> patterns = new ArrayList<>();
        grouped.forEach((name, members) -> {
            if (name.indexOf('*') >= 0) {
                patterns.add(new WildcardGroup(name, members));
            } else {
                fixedRoutes.put(name, members.stream()
                        .map(served -> Route.of(served, served.config().deployment(), facts)).toList());
            }
        });
        patterns.sort(Comparator.comparingInt(WildcardGroup::specificity).reversed());
        this.routes = Map.copyOf(fixedRoutes);
        this.wildcards = List.copyOf(patterns);
        this.aliases = Map.copyOf(aliases);
        aliases.forEach((alias, target) -> {
            if (resolveGroup(target.group()).isEmpty()) {
                throw new ConfigException("router_settings.model_group_alias." + alias,
                        "names model group '" + target.group() + "', which is not in model_list");
            }
        });
        this.accessGroups = accessGroups(all);
    }

    private static Map<String, Set<String>> accessGroups(List<ServedDeployment> all) {
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
        return Map.copyOf(groupsByAccess);
    }

    /**
     * @param name the model a caller asked for
     * @return the group's name and the routes of its deployments, if the name is served
     */
    Optional<ModelCatalog.ResolvedGroup> resolve(String name) {
        List<Route> fixed = routes.get(name);
        if (fixed != null) {
            return Optional.of(new ModelCatalog.ResolvedGroup(name, name, fixed));
        }
        GroupAlias alias = aliases.get(name);
        return resolveGroup(alias == null ? name : alias.group());
    }

    private Optional<ModelCatalog.ResolvedGroup> resolveGroup(String name) {
        List<Route> fixed = routes.get(name);
        if (fixed != null) {
            return Optional.of(new ModelCatalog.ResolvedGroup(name, name, fixed));
        }
        for (WildcardGroup pattern : wildcards) {
            Optional<String> star = pattern.match(name);
            if (star.isPresent()) {
                List<Route> matched = new ArrayList<>(pattern.members().size());
                for (ServedDeployment served : pattern.members()) {
                    matched.add(Route.of(served, concrete(served.config().deployment(), name, star.get()), facts));
                }
                return Optional.of(new ModelCatalog.ResolvedGroup(name, pattern.name(), matched));
            }
        }
        return Optional.empty();
    }

    /** The deployment of a wildcard group for one name: the upstream model's {@code *} filled in. */
    private static Deployment concrete(Deployment pattern, String name, String star) {
        String model = pattern.providerModel().replace("*", star);
        return new Deployment(pattern.id(), name, pattern.provider(), model, pattern.apiBase(), pattern.apiKey(),
                pattern.apiVersion(), pattern.timeout(), pattern.streamTimeout(), pattern.extraHeaders(),
                pattern.extraParams(), pattern.modelInfo());
    }

    /**
     * @return the access groups of {@code model_info.access_groups}: each name with the model
     *         groups whose deployments list it
     */
    Map<String, Set<String>> accessGroups() {
        return accessGroups;
    }

    /** @return the deployments of a configured model group (by its exact name), if the group exists */
    Optional<List<ServedDeployment>> group(String modelName) {
        return Optional.ofNullable(groups.get(modelName));
    }

    /** @return the model group names, in config order, then the aliases {@code /v1/models} shows */
    List<String> groupNames() {
        List<String> names = new ArrayList<>(groups.keySet());
        aliases.forEach((alias, target) -> {
            if (!target.hidden() && !groups.containsKey(alias)) {
                names.add(alias);
            }
        });
        return names;
    }

    /** @return every deployment, in config order */
    List<ServedDeployment> deployments() {
        return deployments;
    }

    /** @return the deployments whose provider no loaded plugin serves */
    List<ServedDeployment> unserved() {
        return deployments.stream().filter(served -> served.adapter().isEmpty()).toList();
    }

    /** A group whose name holds one {@code *}, matching any text in its place. */
    private record WildcardGroup(String name, List<ServedDeployment> members) {

        Optional<String> match(String asked) {
            int star = name.indexOf('*');
            String prefix = name.substring(0, star);
            String suffix = name.substring(star + 1);
            if (asked.length() >= prefix.length() + suffix.length() && asked.startsWith(prefix)
                    && asked.endsWith(suffix)) {
                return Optional.of(asked.substring(prefix.length(), asked.length() - suffix.length()));
            }
            return Optional.empty();
        }

        /** Longer fixed text is more specific: {@code openai/*} before {@code *}. */
        int specificity() {
            return name.length() - 1;
        }
    }
}
