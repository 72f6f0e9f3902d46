package dev.sluice.core.routing;

import java.util.Optional;

/**
 * Deployments' calls counted by every replica together (in Redis), so a deployment's
 * {@code rpm}/{@code tpm} hold across replicas and policies see the whole fleet's load.
 */
public interface SharedLoad {

    /**
     * Counts one call to a deployment, if the replicas together have not used its limits this
     * minute.
     *
     * @param deploymentId the deployment
     * @param rpm          its requests per minute, 0 for none
     * @param tpm          its tokens per minute, 0 for none
     * @return the admission, or empty when its limits are used
     * @throws RuntimeException when the shared counts cannot be reached; the replica then counts alone
     */
    Optional<Admission> admit(String deploymentId, long rpm, long tpm);

    /** A call counted across replicas; finish it exactly once. */
    interface Admission {

        /** For a deployment counted in this process only. */
        Admission NONE = new Admission() {
            @Override
            public long requests() {
                return -1;
            }

            @Override
            public long tokens() {
                return -1;
            }

            @Override
            public long inFlight() {
                return -1;
            }

            @Override
            public void finish(long tokens) {
            }
        };

        /** @return the fleet's requests this minute, this one included; -1 if not counted */
        long requests();

        /** @return the fleet's tokens this minute as this call started; -1 if not counted */
        long tokens();

        /** @return the fleet's calls in flight, this one included */
        long inFlight();

        /** Counts the call's tokens and ends it. */
        void finish(long tokens);
    }
}
