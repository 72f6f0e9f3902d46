package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.customers.CustomerService;

/**
 * LiteLLM's customer (end user) API: {@code /customer/new}, {@code /customer/update},
 * {@code /customer/delete}, {@code /customer/info}, {@code /customer/list}, {@code /customer/block},
 * {@code /customer/unblock}; also under LiteLLM's older {@code /end_user/} paths.
 */
final class CustomerRoutes {

    private final CustomerService customers;

    CustomerRoutes(CustomerService customers) {
        this.customers = customers;
    }

    void register(AdminEndpoints endpoints) {
        for (String prefix : new String[] {"/customer", "/end_user"}) {
            endpoints.post(prefix + "/new", (caller, req) -> customers.create(endpoints.body(req), caller))
                    .post(prefix + "/update", (caller, req) -> customers.update(endpoints.body(req), caller))
                    .post(prefix + "/delete", (caller, req) -> {
                        ObjectNode answer = endpoints.object();
                        answer.set("deleted_customers", endpoints.strings(customers.delete(endpoints.body(req), caller)));
                        return answer;
                    })
                    .get(prefix + "/info", (caller, req) ->
                            customers.info(AdminEndpoints.required(req, "end_user_id"), caller))
                    .get(prefix + "/list", (caller, req) -> endpoints.array(customers.list(caller)))
                    .post(prefix + "/block", (caller, req) -> blocked(endpoints, customers.setBlocked(
                            endpoints.body(req), true, caller)))
                    .post(prefix + "/unblock", (caller, req) -> blocked(endpoints, customers.setBlocked(
                            endpoints.body(req), false, caller)));
        }
    }

    private static ObjectNode blocked(AdminEndpoints endpoints, java.util.List<ObjectNode> changed) {
        ObjectNode answer = endpoints.object();
        answer.set("blocked_users", endpoints.array(changed));
        return answer;
    }
}
