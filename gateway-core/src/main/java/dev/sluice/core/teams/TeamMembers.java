package dev.sluice.core.teams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.store.Database;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Team memberships ({@code sluice_team_members}): who is in which team, as {@code admin} or
 * {@code user}, with an optional budget within the team and a budget tier for rate limits.
 */
public final class TeamMembers {

    private static final String SELECT = "select m.team_id, m.user_id, m.role, m.max_budget_in_team, m.spend, "
            + "m.budget_id, u.user_email from sluice_team_members m join sluice_users u on u.user_id = m.user_id";

    private static final char SEPARATOR = '\u001f';

    private final Database database;
    private final ObjectMapper json;

    /**
     * @param database the database
     * @param json     the mapper rows are built with
     */
    public TeamMembers(Database database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /** Adds a member, or changes the role and budget of one already in. */
    public void put(String teamId, String userId, String role, Optional<BigDecimal> maxBudgetInTeam) {
        database.jdbi().useTransaction(handle -> {
            int updated = handle.createUpdate("update sluice_team_members set role = :role, "
                            + "max_budget_in_team = :budget where team_id = :team and user_id = :user")
                    .bind("role", role).bind("budget", maxBudgetInTeam.orElse(null)).bind("team", teamId)
                    .bind("user", userId).execute();
            if (updated == 0) {
                handle.createUpdate("insert into sluice_team_members (team_id, user_id, role, max_budget_in_team) "
                                + "values (:team, :user, :role, :budget)")
                        .bind("team", teamId).bind("user", userId).bind("role", role)
                        .bind("budget", maxBudgetInTeam.orElse(null)).execute();
            }
        });
    }

    /** @return whether the user was a member and is no longer */
    public boolean remove(String teamId, String userId) {
        return database.jdbi().withHandle(handle -> handle.createUpdate(
                        "delete from sluice_team_members where team_id = :team and user_id = :user")
                .bind("team", teamId).bind("user", userId).execute() == 1);
    }

    /** @return the id of a membership in announcements and account ids: team and user, unit-separated */
    public static String key(String teamId, String userId) {
        return teamId + SEPARATOR + userId;
    }

    /** @return the membership a {@link #key} names */
    public Optional<ObjectNode> find(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? Optional.empty() : find(key.substring(0, at), key.substring(at + 1));
    }

    /** Sets the spend of a team's members back to 0, with the team's, in the team's reset transaction. */
    static void resetSpend(org.jdbi.v3.core.Handle handle, String teamId) {
        handle.createUpdate("update sluice_team_members set spend = 0 where team_id = :team").bind("team", teamId)
                .execute();
    }

    /** @return the membership of a user in a team */
    public Optional<ObjectNode> find(String teamId, String userId) {
        return database.jdbi().withHandle(handle -> handle.createQuery(SELECT
                        + " where m.team_id = :team and m.user_id = :user")
                .bind("team", teamId).bind("user", userId).map((rs, ctx) -> read(rs)).findOne());
    }

    /** @return a team's members, by user id */
    public List<ObjectNode> ofTeam(String teamId) {
        return database.jdbi().withHandle(handle -> handle.createQuery(SELECT + " where m.team_id = :team order by m.user_id")
                .bind("team", teamId).map((rs, ctx) -> read(rs)).list());
    }

    /** @return a user's memberships, by team id */
    public List<ObjectNode> ofUser(String userId) {
        return database.jdbi().withHandle(handle -> handle.createQuery(SELECT + " where m.user_id = :user order by m.team_id")
                .bind("user", userId).map((rs, ctx) -> read(rs)).list());
    }

    private ObjectNode read(ResultSet rs) throws SQLException {
        ObjectNode row = json.createObjectNode();
        row.put("team_id", rs.getString("team_id"));
        row.put("user_id", rs.getString("user_id"));
        row.put("user_email", rs.getString("user_email"));
        row.put("role", rs.getString("role"));
        row.put("max_budget_in_team", rs.getBigDecimal("max_budget_in_team"));
        row.put("spend", rs.getBigDecimal("spend"));
        row.put("budget_id", rs.getString("budget_id"));
        return row;
    }
}
