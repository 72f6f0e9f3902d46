package dev.sluice.core.store;

import dev.sluice.api.GatewayException;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The database refusing a value, as opposed to failing: SQL states of class 22 (data exception:
 * too long, out of range, a character it cannot store) and 23 (a constraint: a duplicate, or a
 * reference to a row that does not exist). An unreachable database, a missing table or a full disk
 * are not the data's fault.
 */
public final class DataRefusal {

    private DataRefusal() {
    }

    /** @return the SQL state of the refusal in the failure's causes, if the database refused data */
    public static Optional<String> state(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                for (SQLException each = sql; each != null; each = each.getNextException()) {
                    String state = each.getSQLState();
                    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                        return Optional.of(state);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The 400 for a request whose values the database refused. Values are checked before they
     * reach it (lengths, ranges, control characters); this is the net under those checks, so what
     * slips through is the caller's error, not the gateway's 500.
     *
     * @return the error, if the failure is such a refusal
     */
    public static Optional<GatewayException> asBadRequest(Throwable failure) {
        return state(failure).map(state -> GatewayException.badRequest(switch (state) {
            case "23503" -> "The request refers to something that does not exist (a budget_id, team_id or user_id "
                    + "that was never created, or was deleted). Create it first, or leave the field out.";
            case "23505" -> "Something with the same id already exists. Choose another id.";
            case "23502" -> "A required field is missing or null.";
            default -> state.startsWith("22")
                    ? "A value in the request cannot be stored: it is too long, out of range, or holds characters "
                    + "the database refuses (such as NUL). Shorten or clean it. (SQL state " + state + ")"
                    : "The request conflicts with the stored data (SQL state " + state + ").";
        }, null));
    }
}
