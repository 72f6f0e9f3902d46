package dev.sluice.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.governance.Governance;
import dev.sluice.core.teams.TeamService;

/**
 * LiteLLM's team management API: {@code /team/new}, {@code /team/update}, {@code /team/delete},
 * {@code /team/info}, {@code /team/list}, {@code /team/block}, {@code /team/unblock},
 * {@code /team/member_add}, {@code /team/member_update}, {@code /team/member_delete}.
 */
final class TeamRoutes {

    private final Governance governance;
    private final TeamService teams;

    TeamRoutes(Governance governance) {
        this.governance = governance;
        this.teams = governance.teams();
    }

    void register(AdminEndpoints endpoints) {
        endpoints.post("/team/new", (caller, req) -> governance.newTeam(endpoints.body(req), caller))
                .post("/team/update", (caller, req) -> {
                    ObjectNode team = teams.describe(teams.update(endpoints.body(req), caller));
                    ObjectNode answer = endpoints.object();
                    answer.put("team_id", team.path("team_id").asText());
                    answer.set("data", team);
                    return answer;
                })
                .post("/team/delete", (caller, req) -> {
                    ObjectNode answer = endpoints.object();
                    answer.set("deleted_teams", endpoints.strings(governance.deleteTeams(endpoints.body(req), caller)));
                    return answer;
                })
                .get("/team/info", (caller, req) -> governance.teamInfo(AdminEndpoints.required(req, "team_id"), caller))
                .get("/team/list", (caller, req) ->
                        endpoints.array(governance.teamList(AdminEndpoints.param(req, "user_id"), caller)))
                .post("/team/block", (caller, req) -> teams.describe(teams.setBlocked(endpoints.body(req), true, caller)))
                .post("/team/unblock", (caller, req) ->
                        teams.describe(teams.setBlocked(endpoints.body(req), false, caller)))
                .post("/team/member_add", (caller, req) -> governance.addMembers(endpoints.body(req), caller))
                .post("/team/member_update", (caller, req) -> governance.updateMember(endpoints.body(req), caller))
                .post("/team/member_delete", (caller, req) -> governance.removeMember(endpoints.body(req), caller));
    }
}
