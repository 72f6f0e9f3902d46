package dev.sluice.core.spend;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Told by the spend writer, inside the transaction that adds a batch's spend to the accounts, what
 * it added to which rows. The rows already hold the new totals, and other writers (other
 * replicas) wait on them until the transaction ends, so the total before the batch is exactly the
 * total now less what it added: a threshold is crossed by exactly one batch.
 */
@FunctionalInterface
public interface SpendWatch {

    /**
     * A record the database refused, moved to the dead-letter file: its spend is not counted.
     *
     * @param requestId the call's id
     * @param reason    why the database refused it
     */
    default void quarantined(String requestId, String reason) {
    }

    /**
     * @param handle the writer's transaction
     * @param table  the account table, e.g. {@code sluice_keys}
     * @param added  what the batch added, by the row's id (one value; two for team members)
     */
    void added(Handle handle, String table, Map<List<String>, BigDecimal> added);
}
