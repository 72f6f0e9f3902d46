package dev.sluice.core.routing;

import dev.sluice.api.ErrorKind;
import dev.sluice.core.config.RouterSettings;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which model groups a call moves to when its own group has failed, as LiteLLM chooses them: a
 * prompt too long goes to {@code context_window_fallbacks}, refused content to
 * {@code content_policy_fallbacks} (each only if that setting is given, else as any failure);
 * any other failure to the request's own {@code fallbacks}, else the group's entry in
 * {@code fallbacks}, else its {@code "*"} entry, else {@code default_fallbacks}. A 400 for the
 * request itself has no fallback: every model would get the same request. At most
 * {@code max_fallbacks} groups are tried.
 */
public final class Fallbacks {

    private final Map<String, List<String>> general;
    private final Map<String, List<String>> contextWindow;
    private final Map<String, List<String>> contentPolicy;
    private final List<String> defaults;
    private final int max;

    /** @param settings the router settings */
    public Fallbacks(RouterSettings settings) {
        this.general = settings.fallbacks();
        this.contextWindow = settings.contextWindowFallbacks();
        this.contentPolicy = settings.contentPolicyFallbacks();
        this.defaults = settings.defaultFallbacks();
        this.max = settings.maxFallbacks();
    }

    /**
     * @param asked      the name the caller used (an alias, or a name a wildcard group matched)
     * @param group      the configured name of the group that failed
     * @param failure    the kind of its failure
     * @param perRequest the request's own {@code fallbacks}, empty if it gave none
     * @return the groups to try, in order, at most {@code max_fallbacks}
     */
    List<String> after(String asked, String group, ErrorKind failure, List<String> perRequest) {
        List<String> chain;
        if (failure == ErrorKind.CONTEXT_WINDOW_EXCEEDED && !contextWindow.isEmpty()) {
            chain = entry(contextWindow, asked, group, List.of());
        } else if (failure == ErrorKind.CONTENT_POLICY && !contentPolicy.isEmpty()) {
            chain = entry(contentPolicy, asked, group, List.of());
        } else if (failure == ErrorKind.BAD_REQUEST) {
            chain = List.of();
        } else if (!perRequest.isEmpty()) {
            chain = perRequest;
        } else {
            chain = entry(general, asked, group, general.getOrDefault("*", defaults));
        }
        return chain.size() > max ? chain.subList(0, max) : chain;
    }

    private static List<String> entry(Map<String, List<String>> chains, String asked, String group,
                                      List<String> otherwise) {
        List<String> chain = chains.get(asked);
        return chain != null ? chain : chains.getOrDefault(group, otherwise);
    }

    /** @return every group a call may end up in, its own first (for budget reservations) */
    public Set<String> reachableFrom(String asked, String group, List<String> perRequest) {
        Set<String> groups = new LinkedHashSet<>();
        groups.add(group);
        for (ErrorKind kind : List.of(ErrorKind.UPSTREAM_ERROR, ErrorKind.CONTEXT_WINDOW_EXCEEDED,
                ErrorKind.CONTENT_POLICY)) {
            groups.addAll(after(asked, group, kind, perRequest));
        }
        return groups;
    }

    /** @return every group named as a fallback anywhere, to check against the configured groups */
    Set<String> named() {
        Set<String> names = new LinkedHashSet<>(defaults);
        for (Map<String, List<String>> chains : List.of(general, contextWindow, contentPolicy)) {
            chains.values().forEach(names::addAll);
        }
        return names;
    }
}
