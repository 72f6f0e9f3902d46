package dev.sluice.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling, as an {@link AuthStrategy} established it.
 *
 * @param subject       a stable, non-secret id of the credential (e.g. a key's hash), for logs and limits
 * @param role          what the caller may do on the admin API
 * @param keyAlias      the key's alias, if it has one
 * @param userId        the internal user the credential belongs to, if any
 * @param teamId        the team the credential belongs to, if any
 * @param allowedModels model groups (or access groups) the caller may use; empty means all
 * @param metadata      free-form metadata of the credential
 */
public record Principal(String subject, Role role, Optional<String> keyAlias, Optional<String> userId,
                        Optional<String> teamId, Set<String> allowedModels, Map<String, String> metadata) {

    /** Copies the collections and rejects missing parts. */
    public Principal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(keyAlias, "keyAlias");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(teamId, "teamId");
        allowedModels = Set.copyOf(allowedModels);
        metadata = Map.copyOf(metadata);
    }

    /** @return whether the caller may use the given model group */
    public boolean mayUse(String modelGroup) {
        return allowedModels.isEmpty() || allowedModels.contains(modelGroup);
    }
}
