package dev.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.GatewayException;
import dev.sluice.core.governance.Governance;

/**
 * LiteLLM's internal user API: {@code /user/new}, {@code /user/update}, {@code /user/delete},
 * {@code /user/info} (the caller itself without {@code user_id}), {@code /user/list} (paginated).
 */
final class UserRoutes {

    private final Governance governance;
    private final ObjectMapper json;

    UserRoutes(Governance governance, ObjectMapper json) {
        this.governance = governance;
        this.json = json;
    }

    void register(AdminEndpoints endpoints) {
        endpoints.post("/user/new", (caller, req) -> governance.newUser(endpoints.body(req), caller))
                .post("/user/update", (caller, req) -> {
                    ObjectNode user = governance.updateUser(endpoints.body(req), caller);
                    ObjectNode answer = endpoints.object();
                    answer.put("user_id", user.path("user_id").asText());
                    answer.set("data", user);
                    return answer;
                })
                .post("/user/delete", (caller, req) -> {
                    ObjectNode answer = endpoints.object();
                    answer.set("deleted_users", endpoints.strings(governance.deleteUsers(endpoints.body(req), caller)));
                    return answer;
                })
                .get("/user/info", (caller, req) -> governance.userInfo(AdminEndpoints.param(req, "user_id")
                        .or(caller::userId).orElseThrow(() -> GatewayException.badRequest(
                                "Pass the user to look up as ?user_id=...", "user_id")), caller))
                .get("/user/list", (caller, req) -> governance.users().list(AdminEndpoints.param(req, "role"),
                        AdminEndpoints.list(req, "user_ids"), AdminEndpoints.number(req, "page", 1),
                        AdminEndpoints.number(req, "page_size", 25), caller, json));
    }
}
