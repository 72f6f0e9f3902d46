package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.budget.BudgetTierService;

/**
 * LiteLLM's budget tier API: {@code /budget/new}, {@code /budget/update}, {@code /budget/delete},
 * {@code /budget/info}, {@code /budget/list}.
 */
final class BudgetRoutes {

    private final BudgetTierService budgets;

    BudgetRoutes(BudgetTierService budgets) {
        this.budgets = budgets;
    }

    void register(AdminEndpoints endpoints) {
        endpoints.post("/budget/new", (caller, req) -> budgets.create(endpoints.body(req), caller))
                .post("/budget/update", (caller, req) -> budgets.update(endpoints.body(req), caller))
                .post("/budget/delete", (caller, req) -> {
                    ObjectNode answer = endpoints.object();
                    answer.set("deleted_budgets", endpoints.strings(budgets.delete(endpoints.body(req), caller)));
                    return answer;
                })
                .post("/budget/info", (caller, req) -> endpoints.array(budgets.info(endpoints.body(req), caller)))
                .get("/budget/list", (caller, req) -> endpoints.array(budgets.list(caller)));
    }
}
