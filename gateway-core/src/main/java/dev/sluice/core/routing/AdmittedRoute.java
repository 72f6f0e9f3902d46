package dev.sluice.core.routing;

/**
 * The deployment one attempt goes to, admitted under its limits: in this process, and when
 * replicas share Redis also across all of them.
 *
 * @param route          the deployment as this call uses it
 * @param acrossReplicas its admission in the shared counts, {@link SharedLoad.Admission#NONE} when there are none
 * @param asked          the model name the call asked for, which led to this deployment's group
 */
record AdmittedRoute(Route route, SharedLoad.Admission acrossReplicas, String asked) {
}
